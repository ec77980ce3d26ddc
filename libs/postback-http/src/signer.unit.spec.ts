import type { PostbackDelivery, SigningSecret } from '@subtrack/ports';
import { createHmac } from 'node:crypto';
import { PostbackSigner } from './signer';

const delivery = (o: Partial<PostbackDelivery> = {}) =>
  ({
    account: 1,
    campaign: 5,
    method: 'GET',
    url: 'https://t.example/pb?l=1',
    body: '',
    ...o,
  }) as PostbackDelivery;

function catalog(keys: Record<string, string[]>) {
  const calls: string[] = [];
  return {
    calls,
    signingSecrets: async (account: number, campaign: number): Promise<SigningSecret[]> => {
      calls.push(`${account}:${campaign}`);
      return (keys[`${account}:${campaign}`] ?? []).map((secret) => ({
        account,
        campaign,
        secret,
        created: 0,
        retires: 0,
      }));
    },
  };
}

const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

describe('PostbackSigner', () => {
  it("signs with the campaign's keys, current first, over t.METHOD.url.body", async () => {
    const signer = new PostbackSigner(catalog({ '1:5': ['new', 'old'], '1:0': ['acct'] }));
    const headers = await signer.headersFor(delivery(), 1_767_225_600_900);
    const text = '1767225600.GET.https://t.example/pb?l=1.';
    expect(headers).toEqual({
      'X-Signature': `t=1767225600,v1=${hmac('new', text)},v1=${hmac('old', text)}`,
    });
  });

  it("falls back to the account's key, and sends no header without one", async () => {
    const signer = new PostbackSigner(catalog({ '1:0': ['acct'] }));
    const post = delivery({ method: 'POST', body: '{"a":1}', campaign: 9 });
    expect((await signer.headersFor(post, 2_000))['X-Signature']).toBe(
      `t=2,v1=${hmac('acct', '2.POST.https://t.example/pb?l=1.{"a":1}')}`,
    );
    expect(await signer.headersFor(delivery({ account: 2 }), 2_000)).toEqual({});
  });

  it('reads keys again once its cache expires, not before', async () => {
    let now = 0;
    const store = catalog({ '1:5': ['k'] });
    const signer = new PostbackSigner(store, 5_000, () => now);
    await signer.headersFor(delivery(), 0);
    await signer.headersFor(delivery(), 0);
    expect(store.calls).toEqual(['1:5']);
    now = 5_001;
    await signer.headersFor(delivery(), 0);
    expect(store.calls).toEqual(['1:5', '1:5']);
  });
});

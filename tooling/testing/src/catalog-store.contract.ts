import type { CatalogStore } from '@subtrack/ports';
import { bot, botChat, newAccount, newCampaign, sample } from './builders';
import { useFixture, type StoreFixture } from './harness';

const byId = <T extends { id: number }>(rows: readonly T[]): T[] => [...rows].sort((a, b) => a.id - b.id);

/** The behaviour every CatalogStore adapter must show. The factory opens an empty store. */
export function catalogStoreContract(name: string, factory: () => Promise<StoreFixture<CatalogStore>>): void {
  describe(`CatalogStore contract: ${name}`, () => {
    const fixture = useFixture(factory);
    const store = (): CatalogStore => fixture().store;

    describe('accounts', () => {
      it('creates accounts with distinct positive integer ids and reads them back', async () => {
        const input = newAccount();
        const a = await store().createAccount(input);
        const b = await store().createAccount(newAccount({ name: 'Beta Ads', postbacks: {} }));

        expect(a).toEqual({ ...input, id: a.id });
        for (const { id } of [a, b]) expect(Number.isInteger(id) && id > 0).toBe(true);
        expect(a.id).not.toBe(b.id);
        expect(await store().getAccount(a.id)).toEqual(a);
        expect(await store().getAccount(b.id)).toEqual(b);
        expect(await store().getAccount(Math.max(a.id, b.id) + 1000)).toBeNull();
      });

      it('tells whether any account exists: none on a first run', async () => {
        expect(await store().hasAccounts()).toBe(false);
        await store().createAccount(newAccount());
        expect(await store().hasAccounts()).toBe(true);
        await store().createAccount(newAccount({ name: 'Beta Ads' }));
        expect(await store().hasAccounts()).toBe(true);
      });

      it('updates an account', async () => {
        const a = await store().createAccount(newAccount());
        const other = await store().createAccount(newAccount({ name: 'Untouched' }));
        const changed = {
          ...a,
          name: 'Acme Media GmbH',
          timezone: 'America/New_York',
          keyHash: 'f'.repeat(64),
          postbacks: { hold: 'https://t.example/h?c={click}', cancel: 'https://t.example/c?c={click}' },
        };
        await store().updateAccount(changed);
        expect(await store().getAccount(a.id)).toEqual(changed);
        expect(await store().getAccount(other.id)).toEqual(other);
      });
    });

    describe('bots', () => {
      it('saves, reads and lists bots, all or per account', async () => {
        const one = bot({ id: 7_000_000_001, account: 1 });
        const two = bot({ id: 7_000_000_002, account: 1, username: 'second_bot' });
        const three = bot({ id: 6_999_999_999, account: 2, username: 'other_account_bot' });
        for (const b of [one, two, three]) await store().saveBot(b);

        expect(await store().getBot(two.id)).toEqual(two);
        expect(await store().getBot(1)).toBeNull();
        expect(byId(await store().listBots())).toEqual(byId([one, two, three]));
        expect(byId(await store().listBots(1))).toEqual(byId([one, two]));
        expect(await store().listBots(2)).toEqual([three]);
        expect(await store().listBots(3)).toEqual([]);
      });

      it('saving a bot again updates it in place', async () => {
        const original = bot();
        await store().saveBot(original);
        const renamed = {
          ...original,
          username: 'renamed_bot',
          token: `${original.id}:AAH-rotated`,
          secret: 'rotated',
        };
        await store().saveBot(renamed);
        expect(await store().getBot(original.id)).toEqual(renamed);
        expect(await store().listBots()).toEqual([renamed]);
      });

      it('remembers a revoked token until the bot is saved again', async () => {
        const b = bot();
        await store().saveBot(b);
        await store().setBotStatus(b.id, 'token_revoked');
        expect(await store().getBot(b.id)).toEqual({ ...b, status: 'token_revoked' });
        expect(await store().listBots()).toEqual([{ ...b, status: 'token_revoked' }]);
        await store().saveBot({ ...b, token: `${b.id}:AAH-new` });
        expect(await store().getBot(b.id)).toEqual({ ...b, token: `${b.id}:AAH-new`, status: 'ok' });
      });
    });

    describe('chats', () => {
      it('keeps the newest membership of a bot in a chat: higher seq wins, older seq is ignored', async () => {
        const joined = botChat({ seq: 10 });
        await store().applyChat(joined);
        expect(await store().getChat(joined.bot, joined.id)).toEqual(joined);

        const removed = { ...joined, title: 'Signals VIP (renamed)', admin: false, active: false, seq: 20 };
        await store().applyChat(removed);
        expect(await store().getChat(joined.bot, joined.id)).toEqual(removed);

        await store().applyChat({ ...joined, title: 'stale', seq: 15 });
        expect(await store().getChat(joined.bot, joined.id)).toEqual(removed);
        expect(await store().getChat(joined.bot, -1)).toBeNull();
      });

      it("lists a bot's chats only", async () => {
        const a = botChat({ id: -1_001_000_000_001, title: 'A', seq: 1 });
        const b = botChat({ id: -1_001_000_000_002, title: 'B', type: 'channel', username: 'bchan', seq: 2 });
        const otherBot = botChat({ bot: 7_999_999_999, id: a.id, title: 'A seen by another bot', seq: 3 });
        for (const c of [a, b, otherBot]) await store().applyChat(c);

        expect(byId(await store().listChats(sample.bot))).toEqual(byId([a, b]));
        expect(await store().listChats(otherBot.bot)).toEqual([otherBot]);
        expect(await store().listChats(1)).toEqual([]);
      });
    });

    describe('campaigns', () => {
      it('creates campaigns with distinct positive integer ids, found by id and by code', async () => {
        const input = newCampaign({ postbacks: null });
        const a = await store().createCampaign(input);
        const b = await store().createCampaign(
          newCampaign({
            postbacks: { approve: 'https://t.example/a?c={click}', trash: '' },
            method: 'POST',
            body: '{"click":"{click}"}',
            joinMode: 'direct',
            unsubWindow: 72,
          }),
        );

        expect(a).toEqual({ ...input, id: a.id });
        for (const { id } of [a, b]) expect(Number.isInteger(id) && id > 0).toBe(true);
        expect(a.id).not.toBe(b.id);
        expect(await store().getCampaign(a.id)).toEqual(a);
        expect(await store().getCampaign(b.id)).toEqual(b);
        expect((await store().getCampaign(a.id))?.postbacks).toBeNull();
        expect(await store().getCampaignByCode(b.code)).toEqual(b);
        expect(await store().getCampaign(Math.max(a.id, b.id) + 1000)).toBeNull();
        expect(await store().getCampaignByCode('nosuchcode')).toBeNull();
      });

      it('updates a campaign, including its postbacks between null and templates', async () => {
        const c = await store().createCampaign(newCampaign());
        const changed = {
          ...c,
          name: 'Summer promo',
          code: 'summer25',
          welcome: 'Hi again',
          postbacks: { hold: 'https://t.example/h?c={click}' },
          method: 'POST' as const,
          body: 'c={click}',
          unsubWindow: 24,
          joinMode: 'direct' as const,
          isDefault: true,
        };
        await store().updateCampaign(changed);
        expect(await store().getCampaign(c.id)).toEqual(changed);
        expect(await store().getCampaignByCode('summer25')).toEqual(changed);
        expect(await store().getCampaignByCode(c.code)).toBeNull();

        await store().updateCampaign({ ...changed, postbacks: null });
        expect((await store().getCampaign(c.id))?.postbacks).toBeNull();
      });

      it("lists an account's campaigns only", async () => {
        const mine = [
          await store().createCampaign(newCampaign({ account: 1 })),
          await store().createCampaign(newCampaign({ account: 1, isDefault: true })),
        ];
        const theirs = await store().createCampaign(newCampaign({ account: 2 }));
        expect(byId(await store().listCampaigns(1))).toEqual(byId(mine));
        expect(await store().listCampaigns(2)).toEqual([theirs]);
        expect(await store().listCampaigns(3)).toEqual([]);
      });

      it("gives a bot's newest default campaign, or null", async () => {
        const otherBot = 7_888_888_888;
        await store().createCampaign(newCampaign({ isDefault: false }));
        expect(await store().defaultCampaign(sample.bot)).toBeNull();

        const older = await store().createCampaign(
          newCampaign({ isDefault: true, created: sample.time + 10 }),
        );
        const newer = await store().createCampaign(
          newCampaign({ isDefault: true, created: sample.time + 20 }),
        );
        await store().createCampaign(newCampaign({ isDefault: false, created: sample.time + 30 }));
        const elsewhere = await store().createCampaign(
          newCampaign({ bot: otherBot, isDefault: true, created: sample.time + 40 }),
        );

        expect(await store().defaultCampaign(sample.bot)).toEqual(newer);
        expect(await store().defaultCampaign(otherBot)).toEqual(elsewhere);
        expect(await store().defaultCampaign(1)).toBeNull();

        await store().updateCampaign({ ...newer, isDefault: false });
        expect(await store().defaultCampaign(sample.bot)).toEqual(older);
      });
    });

    describe('signing secrets', () => {
      const T: number = sample.time;
      const key = (secret: string, created: number = T) => ({ account: 1, campaign: 0, secret, created });

      it('keeps one current key per scope; a rotation lets the old one sign until it retires', async () => {
        expect(await store().signingSecrets(1, 0, T)).toEqual([]);
        await store().rotateSigningSecret(key('a'), T + 100);
        expect(await store().signingSecrets(1, 0, T)).toEqual([{ ...key('a'), retires: 0 }]);

        await store().rotateSigningSecret(key('b', T + 1), T + 100);
        expect(await store().signingSecrets(1, 0, T + 1)).toEqual([
          { ...key('b', T + 1), retires: 0 },
          { ...key('a'), retires: T + 100 },
        ]);
        expect(await store().signingSecrets(1, 0, T + 100)).toEqual([{ ...key('b', T + 1), retires: 0 }]);

        // A third rotation drops the retiring key at once: at most two keys sign.
        await store().rotateSigningSecret(key('c', T + 2), T + 200);
        expect((await store().signingSecrets(1, 0, T + 2)).map((s) => s.secret)).toEqual(['c', 'b']);
      });

      it('keeps scopes apart and removes one scope only', async () => {
        await store().rotateSigningSecret(key('acct'), T + 100);
        await store().rotateSigningSecret({ ...key('camp'), campaign: 7 }, T + 100);
        await store().rotateSigningSecret({ ...key('other'), account: 2 }, T + 100);
        expect((await store().signingSecrets(1, 7, T)).map((s) => s.secret)).toEqual(['camp']);
        await store().removeSigningSecrets(1, 0);
        expect(await store().signingSecrets(1, 0, T)).toEqual([]);
        expect((await store().signingSecrets(1, 7, T)).map((s) => s.secret)).toEqual(['camp']);
        expect((await store().signingSecrets(2, 0, T)).map((s) => s.secret)).toEqual(['other']);
      });
    });
  });
}

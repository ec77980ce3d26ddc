import type { IngestStore } from '@subtrack/ports';
import { deadLetter, sample } from './builders';
import { useFixture, type StoreFixture } from './harness';

/** The behaviour every IngestStore adapter must show. The factory opens an empty store. */
export function ingestStoreContract(name: string, factory: () => Promise<StoreFixture<IngestStore>>): void {
  describe(`IngestStore contract: ${name}`, () => {
    const fixture = useFixture(factory);
    const store = (): IngestStore => fixture().store;

    it('keeps one invite link per campaign and subscriber', async () => {
      const [campaign, subscriber] = [12, sample.subscriber];
      expect(await store().inviteLink(campaign, subscriber)).toBeNull();

      await store().saveInviteLink(campaign, subscriber, 'https://t.me/+Zx9YwVu8');
      expect(await store().inviteLink(campaign, subscriber)).toBe('https://t.me/+Zx9YwVu8');
      expect(await store().inviteLink(campaign + 1, subscriber)).toBeNull();
      expect(await store().inviteLink(campaign, subscriber + 1)).toBeNull();
    });

    it('lists dead letters newest first, with every field, up to the limit', async () => {
      expect(await store().listDeadLetters(10)).toEqual([]);
      const letters = [
        deadLetter({ updateId: 812_345_001, time: sample.time }),
        deadLetter({
          updateId: null,
          payload: 'not json at all',
          error: 'SyntaxError: Unexpected token',
          time: sample.time + 5,
        }),
        deadLetter({ bot: 7_111_111_111, updateId: 812_345_003, time: sample.time + 9 }),
      ];
      for (const letter of letters) await store().deadLetter(letter);

      expect(await store().listDeadLetters(10)).toEqual([...letters].reverse());
      expect(await store().listDeadLetters(2)).toEqual([letters[2], letters[1]]);
    });
  });
}

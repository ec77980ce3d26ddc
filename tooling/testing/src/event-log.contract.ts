import { Topics, type DomainEvent, type Topic } from '@subtrack/contracts';
import type { EventLog, LoggedEvent, Subscription } from '@subtrack/ports';
import {
  botAddedToChat,
  botRemovedFromChat,
  joinRequestApproved,
  joinRequested,
  journalRecorded,
  leadClickReplaced,
  leadStatusChanged,
  memberBanned,
  memberJoined,
  memberLeft,
  subscriber,
  subscriberStarted,
  uniqueId,
} from './builders';
import { delay, useFixture, waitFor, type Closable } from './harness';

export interface EventLogFixture extends Closable {
  /** A log to test; `close()` releases it and whatever it runs on. */
  log: EventLog;
}

export interface EventLogContractOptions {
  /** How long to wait for deliveries, in ms (default 10 000). A test waits a few times. */
  timeoutMs?: number;
  /** How long to keep listening for unexpected (duplicate) deliveries before asserting there were none (default 300 ms). */
  quietMs?: number;
  /**
   * The log may hand a resumed group the last batch it had already handled again (at-least-once).
   * Default false: a group gets exactly the events it has not handled yet.
   */
  atLeastOnce?: boolean;
}

interface Delivery {
  /** The events of this test in the batch, in delivery order. */
  events: LoggedEvent[];
  /** Size of the whole batch as handed over. */
  size: number;
  /** Whether the handler threw on it. */
  failed: boolean;
}

/** A subscription that records what it is handed. */
interface Consumer {
  deliveries: Delivery[];
  /** Events of the batches handled successfully, in delivery order, duplicates included. */
  handled(): LoggedEvent[];
  handledIds(): string[];
  joined(): boolean;
  stop(): Promise<void>;
}

const ids = (events: readonly { id: string }[]): string[] => events.map((e) => e.id);
const distinct = (values: readonly string[]): string[] => [...new Set(values)];

/**
 * The behaviour every EventLog adapter must show through the port alone. The factory opens a log; it
 * may share its topics with earlier tests (every test uses fresh event ids and groups and ignores
 * events it did not append), but each test gets its own fixture.
 */
export function eventLogContract(
  name: string,
  factory: () => Promise<EventLogFixture>,
  options: EventLogContractOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const quietMs = options.quietMs ?? 300;
  const testTimeout = timeoutMs * 4 + quietMs * 4;

  describe(`EventLog contract: ${name}`, () => {
    // Consumers still running when a test ends are stopped before the log is closed.
    let running: Consumer[] = [];
    const fixture = useFixture(async () => {
      const opened = await factory();
      return {
        log: opened.log,
        close: async () => {
          const stopping = running;
          running = [];
          await Promise.all(stopping.map((c) => c.stop()));
          await opened.close();
        },
      };
    });

    // Only events appended by the running test count, so a shared topic cannot disturb it.
    let mine = new Set<string>();
    beforeEach(() => {
      mine = new Set();
    });

    const append = async (topic: Topic, events: readonly DomainEvent[]): Promise<void> => {
      for (const e of events) mine.add(e.id);
      await fixture().log.append(topic, events);
    };

    const consume = async (
      topic: Topic,
      group: string,
      opts: { batchSize?: number; failOn?: (batch: readonly LoggedEvent[]) => boolean } = {},
    ): Promise<Consumer> => {
      const deliveries: Delivery[] = [];
      const handled = (): LoggedEvent[] => deliveries.filter((d) => !d.failed).flatMap((d) => d.events);
      let subscription: Subscription | null = null;
      let stopped: Promise<void> | null = null;
      const consumer: Consumer = {
        deliveries,
        handled,
        handledIds: () => handled().map((l) => l.event.id),
        joined: () => subscription?.joined() ?? false,
        stop: () => (stopped ??= subscription ? subscription.stop() : Promise.resolve()),
      };
      running.push(consumer);
      subscription = await fixture().log.subscribe(
        { topic, group, ...(opts.batchSize === undefined ? {} : { batchSize: opts.batchSize }) },
        async (batch) => {
          const events = batch.filter((l) => mine.has(l.event.id));
          const failed = opts.failOn?.(events) ?? false;
          deliveries.push({ events, size: batch.length, failed });
          if (failed) throw new Error('handler failed on purpose');
        },
      );
      return consumer;
    };

    const handledAll = (consumer: Consumer, events: readonly DomainEvent[], what: string): Promise<void> =>
      waitFor(
        () => {
          const seen = new Set(consumer.handledIds());
          return events.every((e) => seen.has(e.id));
        },
        timeoutMs,
        what,
      );

    /** Events of a few subscribers, interleaved, the way a busy chat produces them. */
    const traffic = (subscribers: number, perSubscriber: number): DomainEvent[] => {
      const out: DomainEvent[] = [];
      const kinds = [
        subscriberStarted,
        joinRequested,
        joinRequestApproved,
        memberLeft,
        memberJoined,
        memberBanned,
      ];
      for (let round = 0; round < perSubscriber; round++) {
        for (let s = 0; s < subscribers; s++) {
          const build = kinds[round % kinds.length]!;
          out.push(build({ data: { subscriber: subscriber(900_000_000 + s) }, time: 1_736_935_200 + round }));
        }
      }
      return out;
    };

    const group = (): string => uniqueId('group');

    it(
      'accepts an empty append',
      async () => {
        await expect(fixture().log.append(Topics.telegram, [])).resolves.toBeUndefined();
        const only = memberJoined();
        await append(Topics.telegram, [only]);
        const consumer = await consume(Topics.telegram, group());
        await handledAll(consumer, [only], 'the one event');
        await delay(quietMs);
        expect(consumer.handledIds()).toEqual([only.id]);
      },
      testTimeout,
    );

    it(
      'hands a new group every event appended before it subscribed, in append order per key',
      async () => {
        const events = traffic(3, 5);
        await append(Topics.telegram, events.slice(0, 4));
        await append(Topics.telegram, events.slice(4, 9));
        await append(Topics.telegram, events.slice(9));

        const consumer = await consume(Topics.telegram, group());
        await handledAll(consumer, events, 'every appended event');
        await delay(quietMs);
        const handled = consumer.handled();

        expect(ids(handled.map((l) => l.event)).sort()).toEqual(ids(events).sort());
        for (const key of new Set(events.map((e) => e.key))) {
          const ofKey = handled.filter((l) => l.event.key === key);
          expect(ids(ofKey.map((l) => l.event))).toEqual(ids(events.filter((e) => e.key === key)));
          // A key lives in one partition, so its order is the partition's order.
          expect(new Set(ofKey.map((l) => l.partition)).size).toBe(1);
        }
        for (const l of handled) {
          expect(Number.isInteger(l.partition) && l.partition >= 0).toBe(true);
          expect(Number.isInteger(l.seq)).toBe(true);
        }
        expect(new Set(handled.map((l) => `${l.partition}:${l.seq}`)).size).toBe(handled.length);
        for (const partition of new Set(handled.map((l) => l.partition))) {
          const seqs = handled.filter((l) => l.partition === partition).map((l) => l.seq);
          seqs.forEach((seq, i) => i > 0 && expect(seq).toBeGreaterThan(seqs[i - 1]!));
        }
      },
      testTimeout,
    );

    it(
      'hands a running subscription the events appended after it subscribed',
      async () => {
        const consumer = await consume(Topics.telegram, group());
        const first = traffic(2, 2);
        await append(Topics.telegram, first);
        await handledAll(consumer, first, 'the first appends');
        // Handed work, so a member of its group (what readiness reports); no longer once stopped.
        expect(consumer.joined()).toBe(true);
        const second = traffic(2, 3);
        await append(Topics.telegram, second);
        await handledAll(consumer, second, 'the second appends');
        await delay(quietMs);
        expect(consumer.handledIds().sort()).toEqual(ids([...first, ...second]).sort());
        await consumer.stop();
        expect(consumer.joined()).toBe(false);
      },
      testTimeout,
    );

    it(
      'reads every kind of event back deep-equal to what was appended',
      async () => {
        const telegram = [
          subscriberStarted(),
          joinRequested(),
          joinRequestApproved(),
          memberJoined(),
          memberLeft(),
          memberBanned(),
          botAddedToChat(),
          botRemovedFromChat(),
        ];
        const leads: DomainEvent[] = [
          leadStatusChanged(),
          leadStatusChanged({
            data: { from: null, to: 0, first: true, joinTime: 0 },
            source: { partition: 2, order: 0 },
          }),
          leadClickReplaced(),
          journalRecorded({ data: { action: 'leave', paid: 0 } }),
        ];
        await append(Topics.telegram, telegram);
        await append(Topics.leads, leads);

        // A group reads one topic (as every consumer of the product does).
        const telegramConsumer = await consume(Topics.telegram, group());
        const leadConsumer = await consume(Topics.leads, group());
        await handledAll(telegramConsumer, telegram, 'the telegram events');
        await handledAll(leadConsumer, leads, 'the lead events');

        const read = new Map(
          [...telegramConsumer.handled(), ...leadConsumer.handled()].map(
            (l) => [l.event.id, l.event] as const,
          ),
        );
        for (const e of [...telegram, ...leads]) expect(read.get(e.id)).toEqual(e);
        // Each topic hands out only its own events.
        expect(new Set(telegramConsumer.handledIds())).toEqual(new Set(ids(telegram)));
        expect(new Set(leadConsumer.handledIds())).toEqual(new Set(ids(leads)));
      },
      testTimeout,
    );

    it(
      'hands every group every event',
      async () => {
        const events = traffic(3, 3);
        const a = await consume(Topics.telegram, group());
        await append(Topics.telegram, events);
        const b = await consume(Topics.telegram, group());
        await handledAll(a, events, 'group a');
        await handledAll(b, events, 'group b');
        await delay(quietMs);
        expect(a.handledIds().sort()).toEqual(ids(events).sort());
        expect(b.handledIds().sort()).toEqual(ids(events).sort());
      },
      testTimeout,
    );

    it(
      'resumes a group after the events it handled, losing none',
      async () => {
        const g = group();
        const before = traffic(2, 3);
        await append(Topics.telegram, before);
        const first = await consume(Topics.telegram, g, { batchSize: 4 });
        await handledAll(first, before, 'the events before the stop');
        await first.stop();

        const after = traffic(2, 2);
        await append(Topics.telegram, after);
        const second = await consume(Topics.telegram, g, { batchSize: 4 });
        await handledAll(second, after, 'the events after the stop');
        await delay(quietMs);

        const again = second.handledIds().filter((id) => !after.some((e) => e.id === id));
        if (options.atLeastOnce) {
          // Only the last batch handled before the stop may come again.
          const lastBatch = ids(
            first.deliveries
              .filter((d) => !d.failed)
              .at(-1)
              ?.events.map((l) => l.event) ?? [],
          );
          expect(again.filter((id) => !lastBatch.includes(id))).toEqual([]);
        } else {
          expect(again).toEqual([]);
          expect(second.handledIds().sort()).toEqual(ids(after).sort());
        }
      },
      testTimeout,
    );

    it(
      'hands a batch whose handler threw to it again, skipping nothing after it',
      async () => {
        // One key, so the order is fixed.
        const events = Array.from({ length: 7 }, (_, i) => memberJoined({ updateId: 10_000 + i }));
        const poisoned = events[2]!.id;
        await append(Topics.telegram, events);

        let thrown = false;
        const consumer = await consume(Topics.telegram, group(), {
          batchSize: 2,
          failOn: (batch) => {
            if (thrown || !batch.some((l) => l.event.id === poisoned)) return false;
            return (thrown = true);
          },
        });
        await handledAll(consumer, events, 'every event despite the failure');
        await delay(quietMs);

        const failedAt = consumer.deliveries.findIndex((d) => d.failed);
        expect(consumer.deliveries.filter((d) => d.failed)).toHaveLength(1);
        const failed = ids(consumer.deliveries[failedAt]!.events.map((l) => l.event));
        const afterwards = consumer.deliveries.slice(failedAt + 1).filter((d) => !d.failed);
        const redelivered = new Set(afterwards.flatMap((d) => d.events.map((l) => l.event.id)));
        expect(failed.filter((id) => !redelivered.has(id))).toEqual([]);

        const handled = consumer.handledIds();
        if (options.atLeastOnce) {
          expect(distinct(handled)).toEqual(ids(events));
        } else {
          // The retry starts exactly where the failed batch did, and nothing is handled twice.
          expect(afterwards[0]?.events[0]?.event.id).toBe(failed[0]);
          expect(handled).toEqual(ids(events));
        }
      },
      testTimeout,
    );

    it(
      'reads a topic again from the start for a group that was reset, and only for that group',
      async () => {
        const events = traffic(2, 3);
        await append(Topics.telegram, events);
        const [reset, kept] = [group(), group()];
        for (const g of [reset, kept]) {
          const consumer = await consume(Topics.telegram, g);
          await handledAll(consumer, events, `the first pass of ${g}`);
          await consumer.stop();
        }

        await fixture().log.resetGroup(reset, Topics.telegram);
        const replay = await consume(Topics.telegram, reset);
        const resumed = await consume(Topics.telegram, kept);
        await handledAll(replay, events, 'the replay after the reset');
        await delay(quietMs);

        if (options.atLeastOnce) expect(distinct(replay.handledIds()).sort()).toEqual(ids(events).sort());
        else expect(replay.handledIds().sort()).toEqual(ids(events).sort());
        if (!options.atLeastOnce) expect(resumed.handledIds()).toEqual([]);
      },
      testTimeout,
    );

    it(
      'never hands over a batch larger than batchSize',
      async () => {
        const events = traffic(5, 5);
        await append(Topics.telegram, events.slice(0, 12));
        const consumer = await consume(Topics.telegram, group(), { batchSize: 4 });
        await append(Topics.telegram, events.slice(12));
        await handledAll(consumer, events, 'every event in small batches');
        expect(Math.max(...consumer.deliveries.map((d) => d.size))).toBeLessThanOrEqual(4);
        expect(consumer.deliveries.length).toBeGreaterThanOrEqual(7);
      },
      testTimeout,
    );

    it(
      'accepts an append of an event id that is already logged',
      async () => {
        const [a, b] = [memberJoined(), memberLeft()];
        await append(Topics.telegram, [a]);
        await expect(append(Topics.telegram, [a, b])).resolves.toBeUndefined();
        const consumer = await consume(Topics.telegram, group());
        await handledAll(consumer, [a, b], 'both events');
      },
      testTimeout,
    );

    it(
      'keeps the promise dropsRepeatedIds makes: one delivery of a repeated id, or one per append',
      async () => {
        const [a, b] = [memberJoined(), memberLeft()];
        await append(Topics.telegram, [a]);
        await append(Topics.telegram, [a, b]);
        const consumer = await consume(Topics.telegram, group());
        await handledAll(consumer, [a, b], 'both events');
        if (!fixture().log.dropsRepeatedIds)
          await waitFor(
            () => consumer.handledIds().filter((id) => id === a.id).length === 2,
            timeoutMs,
            'the copy of the repeated event, at a position of its own',
          );
        await delay(quietMs);
        // The projections rely on this: without it they remember every id they applied.
        const expected = fixture().log.dropsRepeatedIds ? [a.id, b.id] : [a.id, a.id, b.id];
        expect(consumer.handledIds().sort()).toEqual(expected.sort());
      },
      testTimeout,
    );
  });
}

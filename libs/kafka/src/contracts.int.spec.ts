import { Topics } from '@subtrack/contracts';
import { eventLogContract, requireServer, waitFor } from '@subtrack/testing';
import { randomUUID } from 'node:crypto';
import { openKafkaLog } from './kafka-event-log';

jest.setTimeout(120_000);

const brokers = requireServer('KAFKA_BROKERS').split(',');
// Topics of their own, so other suites on the same broker never see these events.
const prefix = `contract-${randomUUID()}.`;

eventLogContract(
  'Kafka',
  async () => {
    const log = await openKafkaLog({
      brokers,
      clientId: 'contract',
      prefix,
      partitions: 8,
      retryMs: 50,
      log: () => undefined,
    });
    return { log, close: () => log.close() };
  },
  // Kafka hands a resumed group its last batch again when the commit raced the stop.
  { atLeastOnce: true, timeoutMs: 30_000 },
);

describe('Kafka topics', () => {
  it('come up for every service that creates them at the same moment', async () => {
    const own = `topics-${randomUUID()}.`;
    const logs = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        openKafkaLog({ brokers, clientId: `starter-${i}`, prefix: own, partitions: 8, log: () => undefined }),
      ),
    );
    try {
      // Each one creates or finds both topics, as the services do when they start side by side.
      const lags = await Promise.all(
        logs.flatMap((log) => [log.lag('g', Topics.telegram), log.lag('g', Topics.leads)]),
      );
      expect(lags).toEqual(Array(12).fill(0));
    } finally {
      await Promise.all(logs.map((log) => log.close()));
    }
  });

  it('are created keeping every event, since replay rebuilds from the whole log', async () => {
    const log = await openKafkaLog({
      brokers,
      clientId: 'contract',
      prefix,
      partitions: 8,
      log: () => undefined,
    });
    try {
      await log.lag('retention-check', Topics.telegram);
      // The broker applies a new topic's settings a moment after creating it.
      let settings: Record<string, string> = {};
      await waitFor(
        async () => {
          settings = Object.fromEntries(await log.retention(`${prefix}${Topics.telegram}`));
          return settings['retention.ms'] === '-1';
        },
        10_000,
        'the topic settings',
      ).catch(() => undefined);
      expect(settings).toEqual({ 'retention.ms': '-1', 'retention.bytes': '-1' });
    } finally {
      await log.close();
    }
  });
});

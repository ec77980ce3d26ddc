import { eventLogContract, requireServer } from '@subtrack/testing';
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

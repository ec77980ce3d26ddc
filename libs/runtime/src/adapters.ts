import { isDistributed, type Config } from '@subtrack/config';
import type {
  CatalogStore,
  EventLog,
  IngestStore,
  LeadStore,
  PostbackStore,
  StatsStore,
  WelcomeStore,
} from '@subtrack/ports';

/** Every port bound to one backend. */
export interface Adapters {
  kind: 'embedded' | 'distributed';
  eventLog: EventLog;
  catalog: CatalogStore;
  ingest: IngestStore;
  leads: LeadStore;
  stats: StatsStore;
  postbacks: PostbackStore;
  welcomes: WelcomeStore;
  close(): Promise<void>;
}

/**
 * The one place that picks the backend: Kafka + MongoDB when KAFKA_BROKERS and MONGO_URL are set,
 * the embedded database file otherwise. The heavy clients are loaded only when used, with
 * `require`: a CommonJS build keeps `import()` as a real ES import, which jest's module sandbox
 * cannot run.
 */
export async function openAdapters(
  config: Config,
  options: { idlePollMs?: number; clientId?: string } = {},
): Promise<Adapters> {
  if (isDistributed(config)) {
    const { openKafkaLog } = load<typeof import('@subtrack/kafka')>('@subtrack/kafka');
    const { openMongoStores } = load<typeof import('@subtrack/mongo')>('@subtrack/mongo');
    const stores = await openMongoStores(config.MONGO_URL!);
    const eventLog = await openKafkaLog({
      brokers: config.KAFKA_BROKERS!,
      clientId: options.clientId ?? 'subtrack',
      partitions: config.KAFKA_PARTITIONS,
      prefix: config.KAFKA_TOPIC_PREFIX,
    });
    return {
      kind: 'distributed',
      eventLog,
      ...stores,
      close: async () => {
        await eventLog.close();
        await stores.close();
      },
    };
  }
  const { openEmbedded } = load<typeof import('@subtrack/sqlite')>('@subtrack/sqlite');
  const embedded = openEmbedded(
    config.DATA_DIR,
    options.idlePollMs !== undefined ? { idlePollMs: options.idlePollMs } : {},
  );
  return { kind: 'embedded', ...embedded };
}

function load<T>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name) as T;
}

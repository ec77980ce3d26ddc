import { parseDomainEvent, type DomainEvent, type Topic } from '@subtrack/contracts';
import type { BatchHandler, EventLog, LoggedEvent, SubscribeOptions, Subscription } from '@subtrack/ports';
import { MAX_PARTITIONS } from '@subtrack/ports';
import {
  AssignerProtocol,
  ConfigResourceTypes,
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';

export interface GroupStatus {
  group: string;
  /** The broker's group state: Stable, PreparingRebalance, CompletingRebalance, Empty or Dead. */
  state: string;
  members: { client: string; partitions: number[] }[];
  /** `committed` is -1 where the group has committed nothing yet. */
  partitions: { partition: number; committed: number; end: number }[];
}

class PartitionCountError extends Error {
  constructor(topic: string, count: number, expected: number) {
    super(`topic ${topic} has ${count} partitions, KAFKA_PARTITIONS says ${expected}`);
  }
}

/** Topic settings that keep every event: no time or size limit. */
const KEEP_FOREVER: [string, string][] = [
  ['retention.ms', '-1'],
  ['retention.bytes', '-1'],
];

export { MAX_PARTITIONS };

export interface KafkaLogOptions {
  brokers: string[];
  clientId: string;
  /** Partitions of every topic; all topics get the same count (see `append`). */
  partitions: number;
  /** Prepended to every topic and consumer group, so deployments can share a broker. */
  prefix?: string;
  /** Back-off before a failed batch is handed to its handler again. */
  retryMs?: number;
  /** How long a topic may take to come online before the operation that needs it fails. */
  topicTimeoutMs?: number;
  log?: (message: string) => void;
}

export const deadLetterTopic = (topic: string): string => `${topic}.dead-letters`;

/**
 * The event log on Kafka. Events are keyed by subscriber, so each subscriber's events stay in one
 * partition and in order. Consumers read with eachBatch and commit a batch's offsets only after
 * its handler resolved (at least once); a message no consumer can read goes to a dead-letter topic.
 */
export class KafkaEventLog implements EventLog {
  /** A record produced twice (a retried send, a redelivered update) is two records. */
  readonly dropsRepeatedIds = false;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly adminClient: Admin;
  /** Admin calls run one at a time: kafkajs refreshes one shared metadata cache per call, and
   * concurrent calls on different topics can leave one of them reading the other's partitions. */
  private adminQueue: Promise<unknown> = Promise.resolve();
  private readonly topics = new Map<string, Promise<void>>();
  private readonly consumers = new Set<Subscription>();

  constructor(private readonly options: KafkaLogOptions) {
    if (options.partitions < 1 || options.partitions > MAX_PARTITIONS) {
      throw new Error(`partitions must be between 1 and ${MAX_PARTITIONS}`);
    }
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => {
        const text = `${entry.log.message}${entry.log.error ? ` (${String(entry.log.error)})` : ''}`;
        // Two topic creators racing each other, and a notice about our own retry setting: noise.
        if (/Topic creation errors|Limiting retries for the idempotent producer/.test(text)) return;
        this.log(`kafkajs ${entry.namespace}: ${text}`);
      },
      retry: { initialRetryTime: 200, retries: 10 },
    });
    // Idempotent: a retried send is not written twice within the producer's session.
    this.producer = this.kafka.producer({
      idempotent: true,
      // Java-compatible murmur2: the same key lands in the same partition as with Kafka's own clients.
      createPartitioner: Partitioners.DefaultPartitioner,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    this.adminClient = this.kafka.admin();
  }

  private name(topicOrGroup: string): string {
    return `${this.options.prefix ?? ''}${topicOrGroup}`;
  }

  async connect(): Promise<void> {
    await Promise.all([this.producer.connect(), this.adminClient.connect()]);
  }

  /** Creates the topic (and its dead-letter topic) with the configured partitions, once. */
  private ensureTopic(topic: string): Promise<void> {
    let ready = this.topics.get(topic);
    if (!ready) {
      ready = this.untilReady(topic);
      ready.catch(() => this.topics.delete(topic));
      this.topics.set(topic, ready);
    }
    return ready;
  }

  /**
   * Creates the topic, or finds it, and checks its partitions. A broker that is slow to bring a
   * new topic's partitions online (several services create the same topics as they start) is
   * waited for; only a partition count that contradicts KAFKA_PARTITIONS fails at once.
   */
  private async untilReady(topic: string): Promise<void> {
    const deadline = Date.now() + (this.options.topicTimeoutMs ?? 120_000);
    for (let attempt = 1; ; attempt++) {
      try {
        const created = await this.admin((a) =>
          a.createTopics({
            waitForLeaders: true,
            timeout: 30_000,
            topics: [topic, deadLetterTopic(topic)].map((t) => ({
              topic: t,
              numPartitions: this.options.partitions,
              // The log is the source of truth that every projection is rebuilt from: keep it all.
              configEntries: KEEP_FOREVER.map(([name, value]) => ({ name, value })),
            })),
          }),
        );
        const [meta] = (await this.admin((a) => a.fetchTopicMetadata({ topics: [topic] }))).topics;
        const partitions = meta?.partitions ?? [];
        if (partitions.length > 0 && partitions.length !== this.options.partitions)
          throw new PartitionCountError(topic, partitions.length, this.options.partitions);
        if (partitions.length === 0 || partitions.some((p) => p.partitionErrorCode !== 0 || p.leader < 0))
          throw new Error('partitions have no leader yet');
        // Served only once each partition's leader has taken it on, which can trail the metadata.
        await this.admin((a) => a.fetchTopicOffsets(topic));
        // A topic made elsewhere (by hand, by an older version) may delete events after a while.
        for (const [name, value] of created ? [] : await this.retention(topic)) {
          if (value !== '-1')
            this.log(
              `topic ${topic} has ${name}=${value}: events older than that are deleted and a replay can no longer rebuild them; set ${name}=-1`,
            );
        }
        return;
      } catch (err) {
        if (err instanceof PartitionCountError || Date.now() > deadline) throw err;
        this.log(`topic ${topic} not ready yet (attempt ${attempt}), retrying: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
      }
    }
  }

  async append(topic: Topic, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.ensureTopic(this.name(topic));
    await this.producer.send({
      topic: this.name(topic),
      acks: -1,
      messages: events.map((e) => ({
        key: e.key,
        value: JSON.stringify(e),
        // A derived event goes to the partition number of its cause (all topics have the same
        // count), so a consumer sees the derived events of one source partition in source order.
        ...(e.source ? { partition: e.source.partition } : {}),
      })),
    });
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    const topic = this.name(options.topic);
    const group = this.name(options.group);
    const batchSize = options.batchSize ?? 1000;
    await this.ensureTopic(topic);
    const consumer: Consumer = this.kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retry: { initialRetryTime: 200, retries: 10 },
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let running = true;
    let member = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (member = true));
    // kafkajs restarts a consumer after a retriable crash; it is a member again once it rejoins.
    consumer.on(consumer.events.CRASH, () => (member = false));
    consumer.on(consumer.events.STOP, () => (member = false));
    await consumer.run({
      autoCommit: false,
      // The partitions an instance holds are worked on side by side: their keys (subscribers) are
      // disjoint, so a batch of one never waits on the store round trips of another's.
      partitionsConsumedConcurrently: this.options.partitions,
      eachBatchAutoResolve: false,
      // kafkajs hands these over as closures, not methods: destructuring them is safe.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const messages = batch.messages;
        for (let i = 0; i < messages.length; i += batchSize) {
          if (!running || !isRunning() || isStale()) return;
          const chunk = messages.slice(i, i + batchSize);
          const events = await this.readChunk(topic, group, batch.partition, chunk);
          for (;;) {
            try {
              if (events.length > 0) await handler(events);
              break;
            } catch (err) {
              this.log(
                `${group} failed on ${topic}[${batch.partition}]@${chunk[0]!.offset}, retrying: ${(err as Error).stack ?? String(err)}`,
              );
              await new Promise((r) => setTimeout(r, this.options.retryMs ?? 1000));
              if (!running || !isRunning() || isStale()) return;
              await heartbeat();
            }
          }
          const last = chunk[chunk.length - 1]!.offset;
          resolveOffset(last);
          // Committed only now that the handler's writes are done.
          await consumer.commitOffsets([
            { topic, partition: batch.partition, offset: String(BigInt(last) + 1n) },
          ]);
          await heartbeat();
        }
      },
    });
    const subscription: Subscription = {
      stop: async () => {
        running = false;
        await consumer.disconnect();
        this.consumers.delete(subscription);
      },
      joined: () => running && member,
    };
    this.consumers.add(subscription);
    return subscription;
  }

  private async readChunk(
    topic: string,
    group: string,
    partition: number,
    chunk: KafkaMessage[],
  ): Promise<LoggedEvent[]> {
    const events: LoggedEvent[] = [];
    for (const message of chunk) {
      try {
        const event = parseDomainEvent(JSON.parse(message.value?.toString('utf8') ?? 'null'));
        events.push({ partition, seq: Number(message.offset) * MAX_PARTITIONS + partition, event });
      } catch (err) {
        // An event no consumer can read is set aside, not retried forever.
        this.log(`event ${topic}[${partition}]@${message.offset} set aside for ${group}: ${String(err)}`);
        await this.producer.send({
          topic: deadLetterTopic(topic),
          acks: -1,
          messages: [
            {
              key: message.key,
              value: message.value,
              headers: { group, error: String(err), offset: message.offset, partition: String(partition) },
            },
          ],
        });
      }
    }
    return events;
  }

  /** The topic's retention settings, as [name, value]. */
  async retention(topic: string): Promise<[string, string][]> {
    const { resources } = await this.admin((a) =>
      a.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: topic, configNames: KEEP_FOREVER.map(([name]) => name) },
        ],
      }),
    );
    return (resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]);
  }

  /** Each partition's first and end offsets and the group's committed offset (-1: none yet). */
  private async positions(
    group: string,
    topic: string,
  ): Promise<{ partition: number; low: number; end: number; committed: number }[]> {
    const [ends, committed] = await this.admin((a) =>
      Promise.all([a.fetchTopicOffsets(topic), a.fetchOffsets({ groupId: group, topics: [topic] })]),
    );
    const at = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.map((p) => ({
      partition: p.partition,
      low: Number(p.low),
      end: Number(p.high),
      committed: at.get(p.partition) ?? -1,
    }));
  }

  async lag(groupName: string, topicName: Topic): Promise<number> {
    const [group, topic] = [this.name(groupName), this.name(topicName)];
    await this.ensureTopic(topic);
    let lag = 0;
    for (const p of await this.positions(group, topic))
      lag += p.end - (p.committed < 0 ? p.low : p.committed);
    return lag;
  }

  /**
   * A consumer group on a topic as the broker sees it: its state, which member holds which
   * partitions, and each partition's committed and end offsets. For health checks and diagnostics.
   */
  async groupStatus(groupName: string, topicName: Topic): Promise<GroupStatus> {
    const [group, topic] = [this.name(groupName), this.name(topicName)];
    const [[described], positions] = await Promise.all([
      this.admin((a) => a.describeGroups([group])).then((r) => r.groups),
      this.positions(group, topic),
    ]);
    return {
      group,
      state: described?.state ?? 'Dead',
      members: (described?.members ?? []).map((m) => ({
        client: `${m.clientId}@${m.clientHost}`,
        partitions:
          m.memberAssignment.length > 0
            ? (AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [])
            : [],
      })),
      partitions: positions.map(({ partition, committed, end }) => ({ partition, committed, end })),
    };
  }

  async resetGroup(group: string, topicName: Topic): Promise<void> {
    const topic = this.name(topicName);
    const groupId = this.name(group);
    await this.ensureTopic(topic);
    // Members that just stopped leave the group through a rebalance; wait for it to settle empty.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [described] = (await this.admin((a) => a.describeGroups([groupId]))).groups;
      const state = described?.state ?? 'Dead';
      if (state === 'Empty' || state === 'Dead') break;
      if (Date.now() > deadline) {
        throw new Error(
          `consumer group ${groupId} still has members (${state}): stop the services before a rebuild`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await this.admin((a) => a.resetOffsets({ groupId, topic, earliest: true }));
  }

  /** Removes every event of a topic (before a rebuild regenerates a derived topic). */
  async truncate(topicName: Topic): Promise<void> {
    const topic = this.name(topicName);
    await this.ensureTopic(topic);
    const ends = await this.admin((a) => a.fetchTopicOffsets(topic));
    await this.admin((a) =>
      a.deleteTopicRecords({
        topic,
        partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
      }),
    );
  }

  /** Runs one admin call after those before it have settled. */
  private admin<T>(call: (admin: Admin) => Promise<T>): Promise<T> {
    const result = this.adminQueue.then(() => call(this.adminClient));
    this.adminQueue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((s) => s.stop()));
    await Promise.allSettled([this.producer.disconnect(), this.adminClient.disconnect()]);
  }

  private log(message: string): void {
    (this.options.log ?? ((m: string) => console.error(m)))(message);
  }
}

export async function openKafkaLog(options: KafkaLogOptions): Promise<KafkaEventLog> {
  const log = new KafkaEventLog(options);
  await log.connect();
  return log;
}

import type { DomainEvent, Topic } from '@subtrack/contracts';

/**
 * Partitions per topic are capped so that `offset * MAX_PARTITIONS + partition` is a log-wide unique
 * seq, and `seq % MAX_PARTITIONS` is the partition back.
 */
export const MAX_PARTITIONS = 64;

/** An event as read back from the log. */
export interface LoggedEvent<E extends DomainEvent = DomainEvent> {
  /** Partition the event sits in (always 0 in the embedded log). */
  partition: number;
  /**
   * Log-wide unique integer, increasing within a partition and the same on every replay. Entities
   * born from an event (leads, journal rows) take it as their id, so a rebuild gives the same ids.
   */
  seq: number;
  event: E;
}

export type BatchHandler = (batch: readonly LoggedEvent[]) => Promise<void>;

export interface SubscribeOptions {
  topic: Topic;
  /** Consumer group: instances with the same group share the work, each group sees every event. A group reads one topic. */
  group: string;
  batchSize?: number;
}

export interface Subscription {
  /** Stops after the batch in hand is handled and its position committed. */
  stop(): Promise<void>;
  /**
   * Whether the consumer is a member of its group and may be handed work: on Kafka from its first
   * join until it crashes or stops (a rebalance it takes part in keeps it a member); on the
   * embedded log while it runs.
   */
  joined(): boolean;
}

/**
 * The durable, ordered event log. Delivery is at least once: a batch is committed only after its
 * handler resolved, so a crash replays it and handlers must be idempotent. Events with the same key
 * keep their order.
 */
export interface EventLog {
  /**
   * True when an append of an id already in the topic is dropped, so that a consumer never meets
   * one event at two positions and need not remember which ids it applied.
   */
  readonly dropsRepeatedIds: boolean;
  /** Resolves once the events are durable. Appending an event id that is already logged is allowed. */
  append(topic: Topic, events: readonly DomainEvent[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription>;
  /** Events of the topic the group has not committed yet (its lag). */
  lag(group: string, topic: Topic): Promise<number>;
  /** Forgets a group's positions so that it reads the topic again from the start (rebuilds). */
  resetGroup(group: string, topic: Topic): Promise<void>;
  /** Removes every event of a topic: a derived topic, before a rebuild regenerates it. */
  truncate(topic: Topic): Promise<void>;
  close(): Promise<void>;
}

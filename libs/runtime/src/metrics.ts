import { Topics, type DomainEvent, type Topic } from '@subtrack/contracts';
import type { BatchHandler, EventLog, OutboxBacklog, SubscribeOptions, Subscription } from '@subtrack/ports';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds: a batch of the projections takes milliseconds; a stuck one, seconds. */
const BATCH_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];
/** Seconds: a Bot API round trip takes 100–300 ms; a slow one, seconds. */
const BOT_API_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30];

/** A consumer this process runs, as readiness and the metrics see it. */
export interface Consumer {
  group: string;
  topic: Topic;
  /** Null until the subscription is made. */
  subscription: Subscription | null;
}

/** An outbox this process works (postbacks, welcomes). */
interface Outbox {
  backlog(): Promise<OutboxBacklog>;
}

/**
 * The Prometheus metrics of one process (every service it runs). One registry per process start,
 * never the library's global one, so that several stacks in one test process stay apart.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly subscribed = new Map<string, Consumer>();
  private readonly outboxes = new Map<string, Outbox>();
  private log: EventLog | null = null;
  private readonly httpChildren = new Map<string, { observe(seconds: number): void }>();

  readonly eventsAppended = this.counter(
    'subtrack_events_appended_total',
    'Events appended to the event log by this process, per topic (repeated ids included).',
    ['topic'],
  );
  readonly telegramEvents = this.counter(
    'subtrack_telegram_events_appended_total',
    "Events appended to telegram-events by this process, per bot: from its updates, and its subscribers' invite links.",
    ['bot'],
  );
  readonly batchDuration = this.histogram(
    'subtrack_consumer_batch_duration_seconds',
    'Time a consumer group spent applying one batch, per group and topic.',
    ['group', 'topic', 'outcome'],
    BATCH_BUCKETS,
  );
  readonly eventsConsumed = this.counter(
    'subtrack_consumer_events_total',
    'Events a consumer group applied (batches that succeeded), per group and topic.',
    ['group', 'topic'],
  );
  readonly postbackAttempts = this.counter(
    'subtrack_postback_attempts_total',
    "Postback attempts by outcome: the receiver's HTTP status, or 'error' when none came back.",
    ['status'],
  );
  readonly botApiCalls = this.histogram(
    'subtrack_telegram_api_call_duration_seconds',
    "Bot API calls by method and outcome: 'ok', Telegram's error code (429: flood control), or 'network'.",
    ['method', 'outcome'],
    BOT_API_BUCKETS,
  );
  readonly httpDuration = this.histogram(
    'http_request_duration_seconds',
    'HTTP requests served, per method, route pattern and status code.',
    ['method', 'route', 'status'],
    HTTP_BUCKETS,
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const lag: Gauge<'group' | 'topic'> = new Gauge({
      name: 'subtrack_consumer_lag',
      help: 'Events of the topic the group has not committed yet, for the groups this process runs.',
      labelNames: ['group', 'topic'] as const,
      registers: [this.registry],
      // Read when scraped: a count the log keeps, never a figure that could go stale.
      collect: async () => {
        const log = this.log;
        if (!log) return;
        for (const { group, topic } of this.subscribed.values())
          lag.set({ group, topic }, await log.lag(group, topic));
      },
    });
    const joined: Gauge<'group' | 'topic'> = new Gauge({
      name: 'subtrack_consumer_joined',
      help: 'Whether the consumer is a member of its group (1) or not (0), for the groups this process runs.',
      labelNames: ['group', 'topic'] as const,
      registers: [this.registry],
      collect: () => {
        for (const c of this.subscribed.values())
          joined.set({ group: c.group, topic: c.topic }, c.subscription?.joined() ? 1 : 0);
      },
    });
    // One read per outbox and scrape serves both gauges (the registry collects them side by side).
    let reading: { at: number; backlogs: Promise<[string, OutboxBacklog][]> } | null = null;
    const backlogs = (): Promise<[string, OutboxBacklog][]> => {
      const now = Date.now();
      if (!reading || now - reading.at > 1000)
        reading = {
          at: now,
          backlogs: Promise.all([...this.outboxes].map(async ([name, o]) => [name, await o.backlog()])),
        };
      return reading.backlogs;
    };
    const pending: Gauge<'outbox'> = new Gauge({
      name: 'subtrack_outbox_pending',
      help: 'Work an outbox still owes (postbacks, welcomes: Bot API work), items in flight included.',
      labelNames: ['outbox'] as const,
      registers: [this.registry],
      collect: async () => {
        for (const [outbox, backlog] of await backlogs()) pending.set({ outbox }, backlog.pending);
      },
    });
    const overdue: Gauge<'outbox'> = new Gauge({
      name: 'subtrack_outbox_oldest_due_age_seconds',
      help: 'Seconds since the most overdue pending item of an outbox fell due (0 when none is due yet).',
      labelNames: ['outbox'] as const,
      registers: [this.registry],
      collect: async () => {
        const now = Date.now();
        for (const [outbox, { oldestDue }] of await backlogs())
          overdue.set({ outbox }, oldestDue === null ? 0 : Math.max(0, (now - oldestDue) / 1000));
      },
    });
  }

  /** Reports an outbox this process works on every scrape. */
  watchOutbox(name: 'postbacks' | 'welcomes', outbox: Outbox): void {
    this.outboxes.set(name, outbox);
  }

  /** The consumers this process runs (each service's, several in the embedded mode). */
  consumers(): readonly Consumer[] {
    return [...this.subscribed.values()];
  }

  /** A `BotApiObserver` for the Bot API clients of this process. */
  readonly observeBotApi = (method: string, outcome: string, seconds: number): void =>
    this.botApiCalls.observe({ method, outcome }, seconds);

  /**
   * Records one answered request. Each method, route and status gets one labelled child, found by a
   * plain key: the webhook's thousands of requests a second should not pay for label hashing.
   */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      child = this.httpDuration.labels(method, route, String(status));
      this.httpChildren.set(key, child);
    }
    child.observe(seconds);
  }

  /** The event log with appends and consumer batches counted and timed. */
  instrument(log: EventLog): EventLog {
    this.log = log;
    return {
      get dropsRepeatedIds() {
        return log.dropsRepeatedIds;
      },
      append: async (topic: Topic, events: readonly DomainEvent[]) => {
        await log.append(topic, events);
        if (events.length === 0) return;
        this.eventsAppended.inc({ topic }, events.length);
        if (topic !== Topics.telegram) return;
        const perBot = new Map<number, number>();
        for (const e of events) perBot.set(e.bot, (perBot.get(e.bot) ?? 0) + 1);
        for (const [bot, n] of perBot) this.telegramEvents.inc({ bot: String(bot) }, n);
      },
      subscribe: async (options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> => {
        const labels = { group: options.group, topic: options.topic };
        const consumer: Consumer = { ...labels, subscription: null };
        this.subscribed.set(`${options.group}\u0000${options.topic}`, consumer);
        return (consumer.subscription = await log.subscribe(options, async (batch) => {
          const end = this.batchDuration.startTimer(labels);
          try {
            await handler(batch);
          } catch (err) {
            end({ outcome: 'failed' });
            throw err;
          }
          end({ outcome: 'ok' });
          this.eventsConsumed.inc(labels, batch.length);
        }));
      },
      lag: (group, topic) => log.lag(group, topic),
      resetGroup: (group, topic) => log.resetGroup(group, topic),
      truncate: (topic) => log.truncate(topic),
      close: () => log.close(),
    };
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

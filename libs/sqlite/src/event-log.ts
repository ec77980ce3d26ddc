import { parseDomainEvent, type DomainEvent, type Topic } from '@subtrack/contracts';
import type { BatchHandler, EventLog, LoggedEvent, SubscribeOptions, Subscription } from '@subtrack/ports';
import type { Db } from './database';

interface Row {
  seq: number;
  payload: string;
}

export interface EmbeddedLogOptions {
  /** How long an idle consumer sleeps before it looks again when nobody told it about an append. */
  idlePollMs?: number;
  /** Back-off before a failed batch is handed to its handler again. */
  retryMs?: number;
  log?: (message: string) => void;
}

/**
 * The event log as a table of the embedded database. `seq` is the log position. An append of an id
 * already in the topic is ignored, so a redelivered Telegram update cannot enter the log twice.
 */
export class SqliteEventLog implements EventLog {
  readonly dropsRepeatedIds = true;
  private readonly waiters = new Map<Topic, Set<() => void>>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly insert;
  private readonly appendMany;
  private readonly readAfter;
  private readonly readOffset;
  private readonly countAfter;
  private readonly writeOffset;
  private readonly deleteOffset;
  private readonly deadLetter;

  constructor(
    private readonly db: Db,
    private readonly options: EmbeddedLogOptions = {},
  ) {
    this.insert = db.prepare('INSERT OR IGNORE INTO events (topic, id, key, payload) VALUES (?, ?, ?, ?)');
    this.appendMany = db.transaction((topic: Topic, events: readonly DomainEvent[]) => {
      for (const e of events) this.insert.run(topic, e.id, e.key, JSON.stringify(e));
    });
    this.readAfter = db.prepare<[Topic, number, number], Row>(
      'SELECT seq, payload FROM events WHERE topic = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    // Asked on every statistics request (are the rollups current?) and every metrics scrape.
    this.countAfter = db.prepare<[Topic, number], { n: number }>(
      'SELECT COUNT(*) AS n FROM events WHERE topic = ? AND seq > ?',
    );
    this.readOffset = db.prepare<[string, Topic], { seq: number }>(
      'SELECT seq FROM consumer_offsets WHERE grp = ? AND topic = ?',
    );
    this.writeOffset = db.prepare(
      'INSERT INTO consumer_offsets (grp, topic, seq) VALUES (?, ?, ?) ON CONFLICT (grp, topic) DO UPDATE SET seq = excluded.seq',
    );
    this.deleteOffset = db.prepare('DELETE FROM consumer_offsets WHERE grp = ? AND topic = ?');
    this.deadLetter = db.prepare(
      'INSERT OR REPLACE INTO event_dead_letters (topic, grp, seq, payload, error) VALUES (?, ?, ?, ?, ?)',
    );
  }

  async append(topic: Topic, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.appendMany(topic, events);
    const waiting = this.waiters.get(topic);
    if (waiting) {
      this.waiters.delete(topic);
      for (const wake of waiting) wake();
    }
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    const { topic, group } = options;
    const batchSize = options.batchSize ?? 1000;
    let running = true;
    let wake: (() => void) | null = null;

    const sleep = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.get(topic)?.delete(done);
          wake = null;
          resolve();
        };
        const timer = setTimeout(done, ms);
        wake = done;
        let set = this.waiters.get(topic);
        if (!set) this.waiters.set(topic, (set = new Set()));
        set.add(done);
      });

    const loop = async (): Promise<void> => {
      while (running) {
        const offset = this.readOffset.get(group, topic)?.seq ?? 0;
        const rows = this.readAfter.all(topic, offset, batchSize);
        if (rows.length === 0) {
          await sleep(this.options.idlePollMs ?? 1000);
          continue;
        }
        const batch: LoggedEvent[] = [];
        for (const row of rows) {
          try {
            batch.push({ partition: 0, seq: row.seq, event: parseDomainEvent(JSON.parse(row.payload)) });
          } catch (err) {
            // An event no consumer can read is set aside, not retried forever.
            this.deadLetter.run(topic, group, row.seq, row.payload, String(err));
            this.log(`event ${topic}#${row.seq} set aside for ${group}: ${String(err)}`);
          }
        }
        try {
          if (batch.length > 0) await handler(batch);
          this.writeOffset.run(group, topic, rows[rows.length - 1]!.seq);
        } catch (err) {
          this.log(
            `${group} failed on ${topic} after #${offset}, retrying: ${(err as Error).stack ?? String(err)}`,
          );
          await sleep(this.options.retryMs ?? 1000);
        }
      }
    };

    const finished = loop();
    const subscription: Subscription = {
      stop: async () => {
        running = false;
        wake?.();
        await finished;
        this.subscriptions.delete(subscription);
      },
      joined: () => running,
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async truncate(topic: Topic): Promise<void> {
    this.db.prepare('DELETE FROM events WHERE topic = ?').run(topic);
  }

  async resetGroup(group: string, topic: Topic): Promise<void> {
    this.deleteOffset.run(group, topic);
  }

  async lag(group: string, topic: Topic): Promise<number> {
    return this.countAfter.get(topic, this.committed(group, topic))?.n ?? 0;
  }

  /** The position a group has committed on a topic (0 before its first batch). */
  committed(group: string, topic: Topic): number {
    return this.readOffset.get(group, topic)?.seq ?? 0;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }

  private log(message: string): void {
    (this.options.log ?? ((m: string) => console.error(m)))(message);
  }
}

import type { DomainEvent, Topic } from '@subtrack/contracts';
import type { EventLog } from '@subtrack/ports';

interface Waiting {
  topic: Topic;
  events: readonly DomainEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Appends of concurrent webhook requests written together: everything that arrives within one turn
 * of the event loop goes to the log in one append (one transaction, one produce), and each caller
 * is answered once that append is durable. A failed append fails every caller in it, so each one's
 * Telegram redelivers; event ids make the redelivery land once.
 */
export class GroupCommit implements Pick<EventLog, 'append'> {
  private queue: Waiting[] = [];
  private scheduled = false;

  constructor(private readonly log: Pick<EventLog, 'append'>) {}

  append(topic: Topic, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, events, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const topics = new Map<Topic, Waiting[]>();
    for (const w of batch) topics.set(w.topic, [...(topics.get(w.topic) ?? []), w]);
    await Promise.all(
      [...topics].map(async ([topic, waiting]) => {
        try {
          await this.log.append(
            topic,
            waiting.flatMap((w) => w.events),
          );
          for (const w of waiting) w.resolve();
        } catch (err) {
          for (const w of waiting) w.reject(err);
        }
      }),
    );
  }
}

import { Topics, type DomainEvent, type Topic } from '@subtrack/contracts';
import type { BatchHandler, EventLog, LoggedEvent } from '@subtrack/ports';
import { memberJoined } from '@subtrack/testing';
import { Metrics } from './metrics';

/** A log that hands every append straight to its one subscriber; lag is whatever the test says. */
function directLog(lag: number): EventLog & { handler: BatchHandler | null } {
  let seq = 0;
  const log = {
    dropsRepeatedIds: true,
    handler: null as BatchHandler | null,
    async append(_topic: Topic, events: readonly DomainEvent[]) {
      const batch: LoggedEvent[] = events.map((event) => ({ partition: 0, seq: ++seq, event }));
      if (log.handler && batch.length > 0) await log.handler(batch);
    },
    async subscribe(_options: unknown, handler: BatchHandler) {
      log.handler = handler;
      let running = true;
      return { stop: async () => void (running = false), joined: () => running };
    },
    lag: async () => lag,
    resetGroup: async () => undefined,
    truncate: async () => undefined,
    close: async () => undefined,
  };
  return log;
}

const value = async (metrics: Metrics, name: string, labels: Record<string, string>) =>
  (await metrics.registry.getSingleMetric(name)!.get()).values.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  )?.value;

describe('Metrics.instrument', () => {
  it('counts appends per topic and Telegram events per bot, and leaves the log as it was', async () => {
    const metrics = new Metrics();
    const log = metrics.instrument(directLog(0));
    expect(log.dropsRepeatedIds).toBe(true);
    await log.append(Topics.telegram, [
      memberJoined({ bot: 7 }),
      memberJoined({ bot: 7 }),
      memberJoined({ bot: 8 }),
    ]);
    await log.append(Topics.telegram, []);
    expect(await value(metrics, 'subtrack_events_appended_total', { topic: Topics.telegram })).toBe(3);
    expect(await value(metrics, 'subtrack_telegram_events_appended_total', { bot: '7' })).toBe(2);
    expect(await value(metrics, 'subtrack_telegram_events_appended_total', { bot: '8' })).toBe(1);
  });

  it('times each batch, counts the events of those that succeed, and passes a failure on', async () => {
    const metrics = new Metrics();
    const log = metrics.instrument(directLog(42));
    let fail = false;
    await log.subscribe({ topic: Topics.telegram, group: 'g' }, async () => {
      if (fail) throw new Error('handler failed');
    });
    await log.append(Topics.telegram, [memberJoined(), memberJoined()]);
    fail = true;
    await expect(log.append(Topics.telegram, [memberJoined()])).rejects.toThrow('handler failed');

    expect(await value(metrics, 'subtrack_consumer_events_total', { group: 'g' })).toBe(2);
    const durations = await metrics.registry
      .getSingleMetric('subtrack_consumer_batch_duration_seconds')!
      .get();
    const count = (outcome: string) =>
      durations.values.find(
        (v) => (v as { metricName?: string }).metricName?.endsWith('_count') && v.labels.outcome === outcome,
      )?.value;
    expect(count('ok')).toBe(1);
    expect(count('failed')).toBe(1);
    // The lag is read from the log when scraped, for the groups this process subscribed.
    expect(await value(metrics, 'subtrack_consumer_lag', { group: 'g', topic: Topics.telegram })).toBe(42);
    expect((await metrics.exposition()).body).toContain(
      'subtrack_consumer_lag{group="g",topic="telegram-events"} 42',
    );
  });

  it('reports whether each consumer is in its group, for readiness and as a gauge', async () => {
    const metrics = new Metrics();
    const log = metrics.instrument(directLog(0));
    const subscription = await log.subscribe({ topic: Topics.leads, group: 'stats' }, async () => undefined);
    expect(metrics.consumers().map((c) => [c.group, c.topic, c.subscription?.joined()])).toEqual([
      ['stats', Topics.leads, true],
    ]);
    expect(await value(metrics, 'subtrack_consumer_joined', { group: 'stats' })).toBe(1);
    await subscription.stop();
    expect(await value(metrics, 'subtrack_consumer_joined', { group: 'stats' })).toBe(0);
  });
});

describe('Metrics.watchOutbox', () => {
  it('reports what each outbox owes and how late its most overdue item is, read once per scrape', async () => {
    const metrics = new Metrics();
    let reads = 0;
    const dueAt = Date.now() - 90_000;
    metrics.watchOutbox('postbacks', {
      backlog: async () => (reads++, { pending: 3, oldestDue: dueAt }),
    });
    metrics.watchOutbox('welcomes', { backlog: async () => ({ pending: 0, oldestDue: null }) });
    const body = (await metrics.exposition()).body;
    expect(body).toContain('subtrack_outbox_pending{outbox="postbacks"} 3');
    expect(body).toContain('subtrack_outbox_pending{outbox="welcomes"} 0');
    expect(body).toContain('subtrack_outbox_oldest_due_age_seconds{outbox="welcomes"} 0');
    const age = Number(
      /subtrack_outbox_oldest_due_age_seconds\{outbox="postbacks"\} ([\d.]+)/.exec(body)![1],
    );
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(3600);
    expect(reads).toBe(1);
  });
});

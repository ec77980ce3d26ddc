import type { HttpException } from '@nestjs/common';
import type { CatalogStore, EventLog } from '@subtrack/ports';
import { HealthController } from './health.controller';
import { Metrics } from './metrics';

const store = (getAccount: () => Promise<unknown>) => ({ getAccount }) as unknown as CatalogStore;
const log = (lag: () => Promise<number>) => ({ lag }) as unknown as EventLog;

async function refusal(p: Promise<unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as HttpException;
    return { status: e.getStatus(), body: e.getResponse() as Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('HealthController', () => {
  it('is ready when the store and the log answer', async () => {
    const c = new HealthController(
      store(async () => null),
      log(async () => 0),
      new Metrics(),
    );
    expect(c.health()).toEqual({ status: 'ok' });
    expect(await c.ready()).toEqual({ status: 'ok', checks: { store: 'ok', log: 'ok' } });
  });

  it('answers 503 naming what failed', async () => {
    const c = new HealthController(
      store(async () => {
        throw new Error('connection refused');
      }),
      log(async () => 0),
      new Metrics(),
    );
    const r = await refusal(c.ready());
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ status: 'error', checks: { store: 'connection refused', log: 'ok' } });
    expect(r.body['message']).toBe('not ready: store: connection refused');
  });

  it('answers 503 when a dependency does not answer in time', async () => {
    jest.useFakeTimers();
    try {
      const c = new HealthController(
        store(async () => null),
        log(() => new Promise(() => undefined)),
        new Metrics(),
      );
      const pending = refusal(c.ready());
      await jest.advanceTimersByTimeAsync(2_000);
      expect(await pending).toMatchObject({ status: 503, body: { checks: { log: 'no answer in 2000 ms' } } });
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers 503 until every consumer of the process is in its group', async () => {
    const metrics = new Metrics();
    let member = false;
    const inner = {
      ...log(async () => 0),
      subscribe: async () => ({ stop: async () => undefined, joined: () => member }),
    } as unknown as EventLog;
    await metrics
      .instrument(inner)
      .subscribe({ topic: 'lead-events', group: 'stats' }, async () => undefined);
    const c = new HealthController(
      store(async () => null),
      log(async () => 0),
      metrics,
    );
    const r = await refusal(c.ready());
    expect(r.status).toBe(503);
    expect(r.body['message']).toBe('not ready: consumers: not in group yet: stats');
    member = true;
    expect(await c.ready()).toEqual({ status: 'ok', checks: { store: 'ok', log: 'ok', consumers: 'ok' } });
  });
});

import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@subtrack/contracts';
import { CATALOG_STORE, EVENT_LOG, type CatalogStore, type EventLog } from '@subtrack/ports';
import { Metrics } from './metrics';

/** How long a dependency may take to answer before the process counts as not ready. */
const PROBE_MS = 2_000;

/** `ok`, or what failed. */
type Check = string;

async function probe(what: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      what(),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${PROBE_MS} ms`)), PROBE_MS)),
      ),
    ]);
    return 'ok';
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness and readiness of every service (each serves HTTP on PORT): `/health` answers while the
 * process runs; `/ready` only while its store and its event log (the database, or Kafka) answer
 * and each of its consumers is a member of its group, so a load balancer sends nothing to an
 * instance that cannot do the work and a rollout waits for a consumer to take its share.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(CATALOG_STORE) private readonly catalog: CatalogStore,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready() {
    const checks: Record<string, Check> = {
      store: await probe(() => this.catalog.getAccount(0)),
      log: await probe(() => this.log.lag(ConsumerGroups.stats, Topics.leads)),
    };
    const consumers = this.metrics.consumers();
    if (consumers.length > 0) {
      const outside = consumers.filter((c) => !c.subscription?.joined()).map((c) => c.group);
      checks.consumers = outside.length === 0 ? 'ok' : `not in group yet: ${outside.join(', ')}`;
    }
    const failing = Object.entries(checks).filter(([, v]) => v !== 'ok');
    if (failing.length > 0)
      throw new HttpException(
        {
          status: 'error',
          error: 'db',
          message: `not ready: ${failing.map(([k, v]) => `${k}: ${v}`).join('; ')}`,
          checks,
        },
        503,
      );
    return { status: 'ok', checks };
  }
}

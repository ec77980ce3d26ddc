import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@subtrack/contracts';
import { CATALOG_STORE, EVENT_LOG, type CatalogStore, type EventLog } from '@subtrack/ports';

/** How long a dependency may take to answer before the process counts as not ready. */
const PROBE_MS = 2_000;

type Check = 'ok' | string;

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
 * process runs; `/ready` only while its store and its event log (the database, or Kafka) answer,
 * so a load balancer sends nothing to an instance that cannot do the work.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(CATALOG_STORE) private readonly catalog: CatalogStore,
    @Inject(EVENT_LOG) private readonly log: EventLog,
  ) {}

  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready() {
    const checks = {
      store: await probe(() => this.catalog.getAccount(0)),
      log: await probe(() => this.log.lag(ConsumerGroups.stats, Topics.leads)),
    };
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

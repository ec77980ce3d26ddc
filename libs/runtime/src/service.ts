import 'reflect-metadata';
import { Logger, type INestApplication, type LogLevel, type LoggerService, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, isDistributed, loadConfig, type Clock, type Config } from '@subtrack/config';
import { openAdapters, type Adapters } from './adapters';
import { resolveAdminToken } from './admin-token';
import { coreModule } from './core.module';
import { JsonLogger, requestContext } from './json-logger';
import { Metrics } from './metrics';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';

export interface ServiceOptions {
  /** Shown in logs and used as the Kafka client id. */
  name: string;
  /** The Nest modules of the service(s) to run. */
  modules: Type[];
  /**
   * Serves the API's admin endpoints, so the admin token matters (its file, a missing token). Every
   * service serves HTTP on PORT: its health, readiness and metrics at least.
   */
  adminApi: boolean;
  config: Config;
  clock?: Clock;
  /** Nest's console logger at these levels (tests), or off; unset: JSON lines per LOG_LEVEL and LOG_FORMAT. */
  logger?: LogLevel[] | false;
  idlePollMs?: number;
}

export interface RunningService {
  app: INestApplication;
  adapters: Adapters;
  adminToken: string;
  /** Where a generated admin token is kept (embedded, without ADMIN_TOKEN); null otherwise. */
  adminTokenFile: string | null;
  /** Base URL of the HTTP server. */
  url: string;
  close(): Promise<void>;
}

/** Starts services in this process on the configured backend. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  const opened = await openAdapters(config, {
    clientId: options.name,
    ...(options.idlePollMs !== undefined ? { idlePollMs: options.idlePollMs } : {}),
  });
  const metrics = new Metrics();
  const adapters: Adapters = { ...opened, eventLog: metrics.instrument(opened.eventLog) };
  const { token: adminToken, file: adminTokenFile } = resolveAdminToken(
    config,
    adapters.kind === 'distributed',
  );
  const module = coreModule(
    {
      adapters,
      config,
      adminToken,
      adminTokenFile,
      metrics,
      ...(options.clock ? { clock: options.clock } : {}),
    },
    options.modules,
  );
  const nestOptions = {
    logger: options.logger ?? serviceLogger(options.name, config),
    abortOnError: false,
  };
  const app = await NestFactory.create(module, nestOptions);
  await app.listen(config.PORT, '0.0.0.0');
  timeRequests(app.getHttpServer() as Server, metrics);
  const url = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as { port: number }).port}`;
  let closed = false;
  return {
    app,
    adapters,
    adminToken,
    adminTokenFile,
    url,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await adapters.close();
    },
  };
}

/** A stop that has not finished by then is given up on: the orchestrator's SIGKILL would come anyway. */
const STOP_DEADLINE_MS = 60_000;

/** Entry point of a service process: validated configuration, start, a clean stop on SIGTERM/SIGINT. */
export function runService(options: Omit<ServiceOptions, 'config'> & { requireDistributed?: boolean }): void {
  const logger = new Logger(options.name);
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Invalid configuration: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  if (options.requireDistributed && !isDistributed(config)) {
    console.error(
      `${options.name} runs on its own only in the distributed mode: set KAFKA_BROKERS and MONGO_URL (or run everything with \`npm start\`).`,
    );
    process.exit(1);
  }
  startService({ ...options, config })
    .then((running) => {
      // SIGTERM (or Ctrl-C): no new requests, the batch in hand and the sends in flight finished and
      // committed, the consumer groups left (no wait for a session timeout), the stores closed; then
      // exit 0. A second signal meanwhile ends the process at once.
      const signals = ['SIGTERM', 'SIGINT'] as const;
      const stop = (signal: NodeJS.Signals): void => {
        for (const s of signals) process.removeListener(s, stop);
        logger.log(`${signal}: finishing the work in hand, then stopping`);
        setTimeout(() => {
          logger.error(`still stopping after ${STOP_DEADLINE_MS} ms; exiting`);
          process.exit(1);
        }, STOP_DEADLINE_MS).unref();
        running.close().then(
          () => {
            logger.log(`${options.name} stopped`);
            process.exit(0);
          },
          (err: unknown) => {
            console.error(err);
            process.exit(1);
          },
        );
      };
      for (const signal of signals) process.once(signal, stop);
      logger.log(`${options.name} started (${running.adapters.kind}) on ${running.url}`);
      if (options.adminApi)
        logger.log(`the dashboard is at ${running.url}/ and the API reference at ${running.url}/docs`);
      if (running.adminTokenFile && options.adminApi)
        logger.log(`ADMIN_TOKEN is not set; the admin token is kept in ${running.adminTokenFile}`);
      if (!config.ADMIN_TOKEN && isDistributed(config) && options.adminApi)
        logger.warn('ADMIN_TOKEN is not set: the admin endpoints are unusable');
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}

/** The process's log: JSON lines for collectors, plain text for a person at a terminal. */
function serviceLogger(name: string, config: Config): LoggerService {
  return new JsonLogger({
    service: name,
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
  });
}

/** A caller's request id is kept when it looks like one; anything else gets a new one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Telegram's webhook: served ahead of the framework, and timed by its own route. */
const WEBHOOK_PATH = '/telegram/webhook/';

/** The route pattern a request matched, as the metrics label it, so that paths never become labels. */
function routeLabel(req: IncomingMessage): string {
  const routed = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  if (typeof routed.route?.path === 'string') return `${routed.baseUrl ?? ''}${routed.route.path}`;
  return 'unmatched';
}

/**
 * Times every request the framework answers by method, route and status, and gives it a request id
 * (`X-Request-Id`, the caller's or a new one) that its log lines carry.
 */
function timeRequests(server: Server, metrics: Metrics): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const serve = () => {
      for (const listener of listeners) listener.call(server, req, res);
    };
    if (req.method === 'POST' && req.url?.startsWith(WEBHOOK_PATH)) return serve();
    const start = process.hrtime.bigint();
    res.once('finish', () =>
      metrics.observeHttp(
        req.method ?? '',
        routeLabel(req),
        res.statusCode,
        Number(process.hrtime.bigint() - start) / 1e9,
      ),
    );
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    requestContext.run({ requestId }, serve);
  });
}

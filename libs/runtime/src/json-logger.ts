import type { LoggerService } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'verbose';
const RANK: Record<Level, number> = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, verbose: 5 };

/** The framework's start-up chatter (each module and route it wired): debug, not info. */
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** What a log line written while serving a request knows about that request. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export interface JsonLoggerOptions {
  service: string;
  level: LogLevelName;
  format: LogFormat;
  write?: (line: string) => void;
  now?: () => Date;
}

/**
 * The framework's logger as one JSON object a line (`time`, `level`, `service`, `context`, `msg`,
 * and `requestId` and `stack` where there are any), or the same as plain text for a terminal.
 */
export class JsonLogger implements LoggerService {
  private readonly write: (line: string) => void;
  private readonly now: () => Date;

  constructor(private readonly o: JsonLoggerOptions) {
    this.write = o.write ?? ((line) => void process.stdout.write(line));
    this.now = o.now ?? (() => new Date());
  }

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    this.emit(
      typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : 'info',
      message,
      rest,
    );
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }

  private emit(level: Level, message: unknown, rest: unknown[]): void {
    if (RANK[level] > RANK[this.o.level]) return;
    // The framework passes the context last, and an error's stack before it.
    const params = [...rest];
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    let stack =
      RANK[level] <= RANK.error && typeof params[0] === 'string' ? (params.shift() as string) : undefined;
    let msg: string;
    if (message instanceof Error) {
      msg = message.message;
      stack ??= message.stack;
    } else msg = typeof message === 'string' ? message : JSON.stringify(message);
    const requestId = requestContext.getStore()?.requestId;
    const time = this.now().toISOString();
    if (this.o.format === 'json') {
      const record = { time, level, service: this.o.service, context, msg, requestId, stack };
      this.write(`${JSON.stringify(record)}\n`);
    } else {
      const where = context ? `${this.o.service}/${context}` : this.o.service;
      const request = requestId ? ` (request ${requestId})` : '';
      this.write(
        `${time} ${level.toUpperCase().padEnd(5)} [${where}] ${msg}${request}${stack ? `\n${stack}` : ''}\n`,
      );
    }
  }
}

import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { CONFIG, type Config } from '@subtrack/config';
import { TokenBuckets } from '@subtrack/domain';
import type { NextFunction, Request, Response } from 'express';

/**
 * Limits in front of every API route: requests per API key, and failed authentications per client
 * address (a 401 from any route, the admin token's included). Past either, the answer is 429 with
 * Retry-After and the error envelope; other keys and addresses keep being served. Per process: with
 * several api-gateway instances each applies its own.
 */
@Injectable()
export class AbuseLimits implements NestMiddleware {
  private readonly requests: TokenBuckets | null;
  private readonly failures: TokenBuckets | null;
  private readonly trustProxy: boolean;

  private readonly now: () => number = Date.now;

  constructor(@Inject(CONFIG) config: Config) {
    this.requests = config.API_RATE_PER_MINUTE > 0 ? new TokenBuckets(config.API_RATE_PER_MINUTE) : null;
    this.failures =
      config.AUTH_FAILURES_PER_MINUTE > 0 ? new TokenBuckets(config.AUTH_FAILURES_PER_MINUTE) : null;
    this.trustProxy = config.TRUST_PROXY;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (!req.path.startsWith('/api/') || req.path === '/api/docs') return next();
    const now = this.now();
    const failures = this.failures;
    if (failures) {
      const address = this.clientAddress(req);
      const wait = failures.peek(address, now);
      if (wait > 0)
        return refuse(res, wait, `too many failed authentications from ${address}; try again later`);
      res.on('finish', () => {
        if (res.statusCode === 401) failures.take(address, this.now());
      });
    }
    const key = presentedKey(req);
    if (this.requests && key) {
      const wait = this.requests.take(key, now);
      if (wait > 0)
        return refuse(
          res,
          wait,
          `request limit of this API key reached (${this.requests.perMinute} a minute)`,
        );
    }
    next();
  }

  private clientAddress(req: Request): string {
    if (this.trustProxy) {
      const forwarded = req.headers['x-forwarded-for'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
      if (first) return first;
    }
    return req.socket.remoteAddress ?? 'unknown';
  }
}

/** The API key or admin token a request presents, as the routes read it. */
function presentedKey(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const admin = req.headers['x-admin-token'];
  if (typeof admin === 'string' && admin !== '') return `admin:${admin}`;
  const id = req.query['id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function refuse(res: Response, waitMs: number, message: string): void {
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
  res.status(429).json({ status: 'error', error: 'limit', message });
}

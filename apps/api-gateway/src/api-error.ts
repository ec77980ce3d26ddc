import {
  type ArgumentsHost,
  Catch,
  HttpException,
  Inject,
  Logger,
  Optional,
  type ExceptionFilter,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ErrorCode } from '@subtrack/api-contract';
import type { Request, Response } from 'express';

/** An error the client can act on: `{"status":"error","error":code,"message":...}` with an HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const badParam = (name: string, problem: string): ApiError =>
  new ApiError(400, 'param', `${name}: ${problem}`);

/** Every failure leaves in the one envelope; unexpected ones are logged and answered as 500. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');
  private methods: Map<string, string[]> | null = null;

  constructor(@Optional() @Inject(HttpAdapterHost) private readonly host?: HttpAdapterHost) {}

  /** The methods each route path answers, read once from the router. */
  private methodsOf(path: string): string[] {
    if (!this.methods) {
      this.methods = new Map();
      const app = this.host?.httpAdapter?.getInstance<
        { router?: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } } | undefined
      >();
      for (const layer of app?.router?.stack ?? []) {
        const route = layer.route;
        if (!route || route.path.includes('*')) continue;
        const list = this.methods.get(route.path) ?? [];
        for (const m of Object.keys(route.methods)) list.push(m.toUpperCase());
        if (list.includes('GET') && !list.includes('HEAD')) list.push('HEAD');
        this.methods.set(route.path, list);
      }
    }
    return this.methods.get(path) ?? [];
  }

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const send = (status: number, error: string, message: string): void => {
      res.status(status).json({ status: 'error', error, message });
    };
    if (err instanceof ApiError) return send(err.httpStatus, err.code, err.message);
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse();
      if (typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'error') {
        res.status(status).json(body);
        return;
      }
      if (status === 404) {
        // A known endpoint asked with a method it does not take: 405 and what it takes.
        const req = host.switchToHttp().getRequest<Request>();
        const allowed = this.methodsOf(req.path);
        if (allowed.length > 0) {
          res.setHeader('Allow', allowed.join(', '));
          return send(405, 'func', `${req.method} is not allowed here; use ${allowed.join(' or ')}`);
        }
        return send(404, 'func', 'no such endpoint');
      }
      // Nest turns body-parser's JSON SyntaxError into a bare 400: the body is the bad parameter.
      if (status === 400) return send(400, 'param', `body: not valid JSON (${err.message})`);
      return send(status, 'param', typeof body === 'string' ? body : err.message);
    }
    // body-parser's other refusals (too large, unsupported encoding) arrive as they are.
    const parser = err as { type?: unknown; status?: unknown; message?: string };
    if (typeof parser.type === 'string' && typeof parser.status === 'number' && parser.status < 500)
      return send(parser.status, parser.status === 413 ? 'limit' : 'param', `body: ${parser.message ?? ''}`);
    this.logger.error((err as Error)?.stack ?? String(err));
    send(500, 'db', 'internal error, see the server log');
  }
}

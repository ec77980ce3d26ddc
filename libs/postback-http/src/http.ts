import { isPrivateAddress } from '@subtrack/domain';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

export class BlockedTargetError extends Error {}

const blocked = (host: string, address: string): BlockedTargetError =>
  new BlockedTargetError(
    `blocked: ${host} ${host === address ? 'is a private address' : `resolves to a private address (${address})`}; set POSTBACK_ALLOW_PRIVATE=1 to allow`,
  );

type Resolve = (
  host: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A socket lookup that refuses names resolving to private, loopback, link-local or metadata
 * addresses. The check runs on the very addresses the socket connects to, so a name cannot pass it
 * with one answer and be connected with another (DNS rebinding).
 */
export function guardedLookup(resolve: Resolve = dnsLookup): LookupFunction {
  return (host, options, callback) => {
    resolve(host, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const bad = addresses.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(blocked(host, bad.address), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first)
        return callback(Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' }), '', 4);
      callback(null, first.address, first.family);
    });
  };
}

export interface HttpTarget {
  url: string;
  method: 'GET' | 'POST';
  body: string;
}

export interface TargetAnswer {
  status: number;
  /** The start of the response body, up to `keepBytes` (UTF-8, possibly cut mid-character). */
  body: string;
}

/**
 * One request to a postback target: no redirects followed, the status returned with the first
 * `keepBytes` of the body (none by default; the rest is discarded unread). Unless `allowPrivate`,
 * private targets are refused, by address or by name.
 */
export function requestTarget(
  target: HttpTarget,
  opts: { allowPrivate: boolean; timeoutMs: number; headers?: Record<string, string>; keepBytes?: number },
): Promise<TargetAnswer> {
  const url = new URL(target.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new BlockedTargetError(`blocked: ${url.protocol} is not http(s)`));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!opts.allowPrivate && isIP(host) && isPrivateAddress(host)) return Promise.reject(blocked(host, host));
  const send = url.protocol === 'https:' ? https.request : http.request;
  const headers: Record<string, string | number> = {
    ...opts.headers,
    ...(target.method === 'POST'
      ? { 'content-type': bodyType(target.body), 'content-length': Buffer.byteLength(target.body) }
      : {}),
  };
  const keep = opts.keepBytes ?? 0;
  return new Promise<TargetAnswer>((resolve, reject) => {
    const req = send(url, {
      method: target.method,
      headers,
      signal: AbortSignal.timeout(opts.timeoutMs),
      ...(opts.allowPrivate ? {} : { lookup: guardedLookup() }),
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (keep === 0) {
        res.resume();
        return resolve({ status, body: '' });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => resolve({ status, body: Buffer.concat(chunks).subarray(0, keep).toString('utf8') });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // Enough read: the rest of a large answer is not waited for.
        if (size >= keep) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', () => done());
    });
    req.on('error', reject);
    req.end(target.method === 'POST' ? target.body : undefined);
  });
}

const bodyType = (body: string): string =>
  /^\s*[[{]/.test(body) ? 'application/json' : 'application/x-www-form-urlencoded';

/** An attempt's error as the delivery log shows it: 'timeout', a socket error code, or a message. */
export function describeFailure(err: unknown): string {
  if (err instanceof BlockedTargetError) return err.message;
  const e = err as { name?: string; code?: string; message?: string };
  // The request's AbortSignal.timeout() surfaces as an AbortError.
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return 'timeout';
  return e.code ?? e.message ?? String(err);
}

import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** What the parent asks for: POST bodies made from `template`, `__N__` replaced by the request's number. */
export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  template: string;
  /** Numbers start here, one per request, so that no two requests carry the same update. */
  first: number;
  connections: number;
  seconds: number;
  /** Stop after this many requests, if that comes before `seconds` are up. */
  count?: number;
}

export interface LoadResult {
  requests: number;
  /** Answers other than 200, by status. */
  refused: Record<string, number>;
  /** Sorted answer times, ms. */
  latencies: number[];
  seconds: number;
}

/**
 * A closed-loop HTTP load generator in a process of its own: `connections` keep-alive connections,
 * each sending its next request as soon as the last one is answered, for `seconds`. The same
 * generator drives the product and the bare server, so their ratio is of the servers alone.
 */
async function generate(req: LoadRequest): Promise<LoadResult> {
  const url = new URL(req.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: req.connections });
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let n = req.first;
  const t0 = performance.now();
  const end = t0 + req.seconds * 1000;
  const one = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const r = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            ...req.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      r.on('error', reject);
      r.end(body);
    });
  await Promise.all(
    Array.from({ length: req.connections }, async () => {
      const last = req.count === undefined ? Infinity : req.first + req.count;
      while (performance.now() < end && n < last) {
        const body = req.template.replaceAll('__N__', String(n++));
        const started = performance.now();
        const status = await one(body);
        latencies.push(performance.now() - started);
        if (status !== 200) refused[status] = (refused[status] ?? 0) + 1;
      }
    }),
  );
  agent.destroy();
  return {
    requests: latencies.length,
    refused,
    latencies: latencies.sort((a, b) => a - b),
    seconds: (performance.now() - t0) / 1000,
  };
}

process.once('message', (req: LoadRequest) => {
  generate(req).then(
    (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
    (err: Error) =>
      process.send!({ type: 'error', message: err.stack ?? err.message }, () => process.exit(1)),
  );
});

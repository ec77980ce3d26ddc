import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** What a child process reports about itself on request. */
export interface ProcessUsage {
  rss: number;
  maxRss: number;
  heapUsed: number;
  /** CPU time (user + system) since the process started, ms. */
  cpuMs: number;
}

export type ChildRequest = { type: 'usage' } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; url: string; report?: Record<string, number> }
  | ({ type: 'usage' } & ProcessUsage)
  | { type: 'error'; message: string };

export function usage(): ProcessUsage {
  const cpu = process.cpuUsage();
  return {
    rss: process.memoryUsage().rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    heapUsed: process.memoryUsage().heapUsed,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/**
 * The child side: reports `ready` with its URL (and what it measured on the way, if anything),
 * answers usage requests, and stops on request. The process measures itself, so its memory and CPU
 * are never mixed with the load generator's.
 */
export function serveParent(url: string, stop: () => Promise<void>, report?: Record<string, number>): void {
  const send = (message: ChildMessage): void => void process.send?.(message);
  process.on('message', (request: ChildRequest) => {
    if (request.type === 'usage') send({ type: 'usage', ...usage() });
    else if (request.type === 'stop') void stop().finally(() => process.exit(0));
  });
  // The parent is gone (crashed or killed): nobody will ever ask this one to stop.
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));
  send({ type: 'ready', url, ...(report ? { report } : {}) });
}

/** Tells the parent why start-up failed, then exits once the message is out. */
export function failToParent(err: unknown): void {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  if (!process.send) {
    console.error(message);
    process.exit(1);
  }
  process.send({ type: 'error', message } satisfies ChildMessage, () => process.exit(1));
}

/** A child process started from this package's dist, spoken to over IPC. */
export class ChildServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** What the child measured before it was ready ({} when nothing). */
    readonly report: Record<string, number>,
  ) {}

  static async start(script: string, args: string[], timeoutMs = 60_000): Promise<ChildServer> {
    const child = fork(path.join(__dirname, script), args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<{ url: string; report: Record<string, number> }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${script} did not start within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
      child.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve({ url: m.url, report: m.report ?? {} });
        } else if (m.type === 'error') reject(new Error(`${script}: ${m.message}`));
      });
    });
    child.removeAllListeners('exit');
    return new ChildServer(child, ready.url, ready.report);
  }

  usage(): Promise<ProcessUsage> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      const onMessage = (m: ChildMessage): void => {
        if (m.type !== 'usage') return;
        done();
        const { type: _type, ...u } = m;
        resolve(u);
      };
      const onExit = (code: number | null): void => {
        done();
        reject(new Error(`child process exited with ${code} before it reported its usage`));
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ type: 'usage' } satisfies ChildRequest);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies ChildRequest);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

import { Logger } from '@nestjs/common';
import { isPrivateAddress, nextRetryAt } from '@subtrack/domain';
import type { PostbackAttempt, PostbackDelivery, PostbackStore } from '@subtrack/ports';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface SenderOptions {
  /** Allow targets on private, loopback, link-local and metadata addresses (POSTBACK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  concurrency?: number;
  timeoutMs?: number;
  /** How long a claimed delivery stays ours; longer than an attempt can take. */
  leaseMs?: number;
  pollMs?: number;
  now?: () => number;
}

export class BlockedTargetError extends Error {}

/**
 * Delivers due postbacks: at most `concurrency` at once, each attempt within `timeoutMs`, success =
 * any 2xx, otherwise retried with backoff for at least 24 h, every attempt recorded. State lives in
 * the store, so a restarted sender resumes where the last one stopped.
 */
export class PostbackSender {
  private readonly logger = new Logger('postbacks');
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly o: Required<SenderOptions>;

  constructor(
    private readonly store: PostbackStore,
    options: SenderOptions,
  ) {
    this.o = { concurrency: 10, timeoutMs: 10_000, leaseMs: 30_000, pollMs: 500, now: Date.now, ...options };
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed: PostbackDelivery[] = [];
      try {
        claimed = await this.store.claimDue(this.o.now(), this.o.concurrency, this.o.leaseMs);
        await Promise.all(claimed.map((d) => this.deliver(d)));
      } catch (err) {
        this.logger.error(`postback round failed: ${String(err)}`);
      }
      if (claimed.length < this.o.concurrency) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.o.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** One attempt for one delivery, recorded whatever its outcome. */
  async deliver(d: PostbackDelivery): Promise<void> {
    const at = this.o.now();
    let status: number | null = null;
    let error = '';
    try {
      await this.checkTarget(d.url);
      const res = await fetch(d.url, {
        method: d.method,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
        ...(d.method === 'POST' ? { body: d.body, headers: { 'content-type': bodyType(d.body) } } : {}),
      });
      status = res.status;
      await res.body?.cancel();
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (err) {
      error = err instanceof BlockedTargetError ? err.message : describe(err);
    }
    const done = this.o.now();
    const attempt: PostbackAttempt = { at, status, error, durationMs: done - at };
    if (error === '') {
      await this.store.recordAttempt(d.id, attempt, { state: 'delivered', nextAt: 0 });
      return;
    }
    const retryAt = nextRetryAt(d.attempts[0]?.at ?? at, done, d.attempts.length + 1);
    await this.store.recordAttempt(
      d.id,
      attempt,
      retryAt === null ? { state: 'failed', nextAt: 0 } : { state: 'pending', nextAt: retryAt },
    );
    this.logger.warn(
      `postback ${d.id} attempt ${d.attempts.length + 1} to ${d.url} failed: ${error}${retryAt === null ? ' (giving up)' : ''}`,
    );
  }

  /** Refuses targets that are, or resolve to, private, loopback, link-local or metadata addresses. */
  private async checkTarget(url: string): Promise<void> {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new BlockedTargetError(`blocked: ${target.protocol} is not http(s)`);
    if (this.o.allowPrivate) return;
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    const bad = addresses.find(isPrivateAddress);
    if (bad)
      throw new BlockedTargetError(
        `blocked: ${host} is a private address (${bad}); set POSTBACK_ALLOW_PRIVATE=1 to allow`,
      );
  }
}

const bodyType = (body: string): string =>
  /^\s*[[{]/.test(body) ? 'application/json' : 'application/x-www-form-urlencoded';

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timeout';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

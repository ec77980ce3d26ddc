import { Logger } from '@nestjs/common';
import { MAX_RETRY_MS, nextRetryAt } from '@subtrack/domain';
import type { PostbackAttempt, PostbackDelivery, PostbackStore } from '@subtrack/ports';
import { describeFailure, requestTarget } from '@subtrack/postback-http';

export interface SenderOptions {
  /** Allow targets on private, loopback, link-local and metadata addresses (POSTBACK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** The longest wait between two attempts (POSTBACK_RETRY_MAX_MS). */
  maxRetryDelayMs?: number;
  concurrency?: number;
  timeoutMs?: number;
  /** How long a claimed delivery stays ours; longer than an attempt can take. */
  leaseMs?: number;
  pollMs?: number;
  now?: () => number;
  /** Extra headers of one attempt (the signature), made at send time so a rotated key applies at once. */
  headersFor?: (d: PostbackDelivery, at: number) => Promise<Record<string, string>>;
  /** Told of every attempt's outcome: the receiver's status, or null when no answer came. */
  observe?: (status: number | null) => void;
}

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
    this.o = {
      concurrency: 10,
      timeoutMs: 10_000,
      leaseMs: 30_000,
      pollMs: 500,
      now: Date.now,
      maxRetryDelayMs: MAX_RETRY_MS,
      headersFor: async () => ({}),
      observe: () => {},
      ...options,
    };
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
      ({ status } = await requestTarget(d, {
        allowPrivate: this.o.allowPrivate,
        timeoutMs: this.o.timeoutMs,
        headers: await this.o.headersFor(d, at),
      }));
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (err) {
      error = describeFailure(err);
    }
    const done = this.o.now();
    this.o.observe(status);
    const attempt: PostbackAttempt = { at, status, error, durationMs: done - at };
    if (error === '') {
      await this.store.recordAttempt(d.id, attempt, { state: 'delivered', nextAt: 0 });
      return;
    }
    const retryAt = nextRetryAt(d.attempts[0]?.at ?? at, done, d.attempts.length + 1, {
      maxDelayMs: this.o.maxRetryDelayMs,
    });
    await this.store.recordAttempt(
      d.id,
      attempt,
      retryAt === null ? { state: 'failed', nextAt: 0 } : { state: 'pending', nextAt: retryAt },
    );
    this.logger.warn(
      `postback ${d.id} attempt ${d.attempts.length + 1} to ${d.url} failed: ${error}${retryAt === null ? ' (giving up)' : ''}`,
    );
  }
}

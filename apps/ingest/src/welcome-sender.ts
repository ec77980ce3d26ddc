import { Logger } from '@nestjs/common';
import { EVENT_VERSION, Topics, type InviteLinkCreated } from '@subtrack/contracts';
import {
  RETRY_FOR_MS,
  judgeBotApiFailure,
  nextRetryAt,
  type BotApiFailure,
  type BotApiVerdict,
} from '@subtrack/domain';
import type {
  CatalogStore,
  EventLog,
  IngestStore,
  Welcome,
  WelcomeOutcome,
  WelcomeStore,
} from '@subtrack/ports';
import type { TelegramClients } from '@subtrack/telegram';
import { Markup } from 'telegraf';
import { failureOf, type BotApiGate } from './bot-api-gate';
import type { BotRegistry } from './bot-registry';

export interface WelcomeSenderOptions {
  /** Welcomes in flight at once: enough to keep the rate while each call takes a round trip. */
  concurrency?: number;
  /**
   * How long a claimed welcome stays ours. A welcome whose pacing wait would run past half of it is
   * handed back for later instead, so no lease ends while its welcome is still on its way.
   */
  leaseMs?: number;
  pollMs?: number;
  /** Longest wait between two attempts after a transient failure. */
  maxRetryDelayMs?: number;
  /** How often a welcome held for an unhealthy bot or chat looks again (WELCOME_HOLD_MS). */
  holdMs?: number;
  now?: () => number;
}

/**
 * Delivers the welcome outbox: makes the lead's invite link when it has none (once per lead, logged
 * as `InviteLinkCreated` before the message can reach the subscriber), then sends the campaign's
 * message with it. Paced per bot inside Telegram's limits, `retry_after` honoured, transient
 * failures retried with backoff, permanent ones (blocked, chat not found, token revoked) recorded
 * once. State lives in the store, so a restarted sender resumes where the last one stopped.
 */
export class WelcomeSender {
  private readonly logger = new Logger('welcomes');
  private readonly o: Required<WelcomeSenderOptions>;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private inFlight = 0;
  /** One welcome of a lead at a time, so two quick /starts do not both make a link. */
  private readonly byLead = new Map<number, Promise<void>>();

  constructor(
    private readonly welcomes: WelcomeStore,
    private readonly bots: Pick<BotRegistry, 'get'>,
    private readonly catalog: Pick<CatalogStore, 'getChat' | 'setBotStatus'>,
    private readonly ingest: Pick<IngestStore, 'inviteLink' | 'saveInviteLink'>,
    private readonly log: Pick<EventLog, 'append'>,
    private readonly telegram: TelegramClients,
    private readonly gate: BotApiGate,
    options: WelcomeSenderOptions = {},
  ) {
    this.o = {
      concurrency: 64,
      leaseMs: 30_000,
      pollMs: 200,
      maxRetryDelayMs: 60_000,
      holdMs: 60_000,
      now: Date.now,
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
    await Promise.allSettled(this.byLead.values());
  }

  private async run(): Promise<void> {
    while (this.running) {
      const free = this.o.concurrency - this.inFlight;
      let claimed: Welcome[] = [];
      if (free > 0) {
        try {
          claimed = await this.welcomes.claimDue(this.o.now(), free, this.o.leaseMs);
        } catch (err) {
          this.logger.error(`welcome round failed: ${String(err)}`);
        }
      }
      for (const w of claimed) this.spawn(w);
      if (claimed.length === 0 || claimed.length === free) {
        this.gate.prune();
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

  private spawn(w: Welcome): void {
    this.inFlight++;
    const previous = this.byLead.get(w.lead) ?? Promise.resolve();
    const deadline = this.o.now() + this.o.leaseMs / 2;
    const done = previous
      .then(() => this.deliver(w, deadline))
      .catch((err) => this.logger.error(`welcome ${w.id}: ${String(err)}`))
      .finally(() => {
        this.inFlight--;
        if (this.byLead.get(w.lead) === done) this.byLead.delete(w.lead);
        this.wake?.();
      });
    this.byLead.set(w.lead, done);
  }

  /** One go at one welcome, its outcome recorded whatever it is; no call starts after `deadline`. */
  async deliver(w: Welcome, deadline = Infinity): Promise<void> {
    const bot = await this.bots.get(w.bot);
    if (!bot) {
      await this.welcomes.record(w.id, { state: 'failed', nextAt: 0, error: 'bot removed', failed: true });
      return;
    }
    // An unhealthy bot or chat holds its welcomes (no calls that must fail) until it is healthy again.
    if (bot.status === 'token_revoked') return this.hold(w, REVOKED);
    const chat = await this.catalog.getChat(w.bot, w.chat);
    if (!chat?.active) return this.hold(w, 'waiting: the bot is not in the chat');
    if (!chat.admin) return this.hold(w, 'waiting: the bot is not an administrator of the chat');
    const api = this.telegram.for(bot.token);

    let link = w.inviteLink || ((await this.ingest.inviteLink(w.campaign, w.subscriber)) ?? '');
    let linkError = '';
    if (link === '') {
      try {
        const later = await this.gate.slot(deadline, w.bot, 'createChatInviteLink');
        if (later) return this.handBack(w, later);
        const created = await api.createChatInviteLink(w.chat, {
          name: `lead ${w.lead}`.slice(0, 32),
          creates_join_request: w.joinRequest,
        });
        await this.ingest.saveInviteLink(w.campaign, w.subscriber, created.invite_link);
        link = created.invite_link;
      } catch (err) {
        const failure = failureOf(err);
        if (failure.code === 401) return this.revoked(w);
        const verdict = judgeBotApiFailure(failure);
        if (verdict.kind !== 'permanent') return this.later(w, 'createChatInviteLink', failure, verdict);
        // Without a link the subscriber still gets the message; joins fall back to the subscriber.
        linkError = `createChatInviteLink: ${failure.description}`;
      }
    }
    // Logged before the message can reach anyone, so a join through the link finds its lead.
    if (link !== '' && w.inviteLink === '') await this.log.append(Topics.telegram, [linkEvent(w, link)]);

    try {
      const later = await this.gate.slot(deadline, w.bot, 'sendMessage', w.subscriber);
      if (later) return this.handBack(w, later, link);
      await api.sendMessage(
        w.subscriber,
        w.text,
        link ? Markup.inlineKeyboard([Markup.button.url('Join', link)]) : {},
      );
    } catch (err) {
      const failure = failureOf(err);
      if (failure.code === 401) return this.revoked(w, link);
      const verdict = judgeBotApiFailure(failure);
      if (verdict.kind !== 'permanent') return this.later(w, 'sendMessage', failure, verdict, link);
      this.logger.warn(`welcome ${w.id} to ${w.subscriber} failed for good: ${failure.description}`);
      return this.welcomes.record(w.id, {
        state: 'failed',
        nextAt: 0,
        error: `sendMessage: ${failure.description}`,
        failed: true,
        inviteLink: link,
      });
    }
    await this.welcomes.record(w.id, {
      state: 'delivered',
      nextAt: 0,
      error: linkError,
      failed: false,
      inviteLink: link,
    });
  }

  /** Telegram refused the token: the bot is marked, and its welcomes wait for it to be added again. */
  private async revoked(w: Welcome, inviteLink = ''): Promise<void> {
    await this.catalog.setBotStatus(w.bot, 'token_revoked');
    this.logger.warn(
      `bot ${w.bot}: Telegram refused its token (401); its welcomes wait until it is added again`,
    );
    return this.hold(w, REVOKED, inviteLink);
  }

  /** Holds a welcome for a while without counting a failure, up to the 24 h every welcome gets. */
  private hold(w: Welcome, reason: string, inviteLink = ''): Promise<void> {
    const now = this.o.now();
    const outcome: WelcomeOutcome =
      now - w.created * 1000 >= RETRY_FOR_MS
        ? { state: 'failed', nextAt: 0, error: `${reason} (gave up)`, failed: true }
        : { state: 'pending', nextAt: now + this.o.holdMs, error: reason, failed: false };
    return this.welcomes.record(w.id, { ...outcome, inviteLink });
  }

  /** Gives a welcome back, due when its call could go, keeping a link made on the way. */
  private handBack(w: Welcome, at: number, inviteLink = ''): Promise<void> {
    const outcome: WelcomeOutcome = { state: 'pending', nextAt: at, error: w.lastError, failed: false };
    return this.welcomes.record(w.id, { ...outcome, inviteLink });
  }

  /** Puts a welcome back for later: after `retry_after` on a flood, with backoff otherwise. */
  private async later(
    w: Welcome,
    method: string,
    failure: BotApiFailure,
    verdict: BotApiVerdict,
    inviteLink = '',
  ): Promise<void> {
    const now = this.o.now();
    let outcome: WelcomeOutcome;
    if (verdict.kind === 'flood') {
      this.gate.pause(w.bot, now + verdict.waitMs);
      outcome = {
        state: 'pending',
        nextAt: now + verdict.waitMs,
        error: `${method}: ${failure.description}`,
        failed: false,
      };
    } else {
      const retryAt = nextRetryAt(w.created * 1000, now, w.attempts + 1, {
        maxDelayMs: this.o.maxRetryDelayMs,
      });
      outcome =
        retryAt === null
          ? { state: 'failed', nextAt: 0, error: `${method}: ${failure.description} (gave up)`, failed: true }
          : { state: 'pending', nextAt: retryAt, error: `${method}: ${failure.description}`, failed: true };
      this.logger.warn(
        `welcome ${w.id}: ${method} failed, ${outcome.state === 'failed' ? 'giving up' : 'will retry'}: ${failure.description}`,
      );
    }
    await this.welcomes.record(w.id, { ...outcome, inviteLink });
  }
}

const REVOKED = 'waiting: Telegram refused the bot token (401); add the bot again';

function linkEvent(w: Welcome, inviteLink: string): InviteLinkCreated {
  return {
    id: `${w.id}:link`,
    version: EVENT_VERSION,
    key: String(w.subscriber),
    account: w.account,
    bot: w.bot,
    updateId: w.updateId,
    time: w.created,
    type: 'InviteLinkCreated',
    data: { campaign: w.campaign, chat: w.chat, subscriber: w.subscriber, inviteLink },
  };
}

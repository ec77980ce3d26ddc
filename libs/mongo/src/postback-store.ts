import type {
  DeliveryState,
  PageOf,
  PostbackAttempt,
  PostbackDelivery,
  PostbackQuery,
  PostbackStore,
} from '@subtrack/ports';
import { between, defined } from './lead-store';
import type { Models, PostbackDoc } from './models';
import { insertNew } from './writes';

const toDelivery = ({ _id, leaseUntil: _lease, claims: _claims, ...d }: PostbackDoc): PostbackDelivery => ({
  id: _id,
  ...d,
});
const claimId = (delivery: string, n: number): string => `${delivery}#${n}`;

/**
 * Claims go through an insert-only ledger (`postback_claims`, one document per claim or release,
 * `_id` `<delivery>#<n>`) because a unique `_id` insert is the only compare-and-set FerretDB has: its
 * findOneAndUpdate filters in Go and then rewrites the document by `_id`, so two workers can both
 * match `leaseUntil <= now` and both "win" a guarded update. Whoever inserts claim n+1 after seeing
 * claim n expired or released holds the delivery; on MongoDB the ledger is redundant but harmless.
 * `leaseUntil` on the delivery mirrors the latest claim so the due query skips leased ones cheaply.
 */
export class MongoPostbackStore implements PostbackStore {
  constructor(private readonly m: Models) {}

  async claimDue(now: number, limit: number, leaseMs: number): Promise<PostbackDelivery[]> {
    // A limit of 0 means "no limit" to MongoDB, but "none" to this port.
    if (limit <= 0) return [];
    const due = await this.m.postbacks
      .find({ state: 'pending', nextAt: { $lte: now }, leaseUntil: { $lte: now } })
      .sort({ nextAt: 1, _id: 1 })
      .limit(limit)
      .lean<PostbackDoc[]>()
      .exec();
    const claimed = await Promise.all(due.map((doc) => this.claim(doc, now, leaseMs)));
    return claimed.filter((d): d is PostbackDelivery => d !== null);
  }

  private async claim(doc: PostbackDoc, now: number, leaseMs: number): Promise<PostbackDelivery | null> {
    const head = await this.latestClaim(doc._id, doc.claims);
    if (head.until > now) return null;
    const until = now + leaseMs;
    if (!(await this.insertClaim(doc._id, head.next, until))) return null;
    // Re-checked after winning: a recordAttempt or resend writes the delivery before its release,
    // so a claim that follows a release sees their state here.
    const won = await this.m.postbacks
      .findOneAndUpdate(
        { _id: doc._id, state: 'pending', nextAt: { $lte: now } },
        { $set: { leaseUntil: until, claims: head.next + 1 } },
        { new: true },
      )
      .lean<PostbackDoc>()
      .exec();
    if (won) return toDelivery(won);
    // Lost to an attempt recorded meanwhile (its retry is not due yet): end the lease just taken,
    // or the delivery would sit behind it for a whole lease once it is due.
    await this.insertClaim(doc._id, head.next + 1, 0);
    return null;
  }

  /**
   * The index the next claim takes and the lease of the latest one (0: none or released). Walks
   * forward from the delivery's hint, which may lag the ledger (a lost update) but never lead it.
   */
  private async latestClaim(delivery: string, hint = 0): Promise<{ next: number; until: number }> {
    let until = 0;
    for (let n = Math.max(hint - 1, 0); ; n++) {
      const claim = await this.m.postbackClaims.findById(claimId(delivery, n)).lean().exec();
      if (!claim) return { next: n, until };
      until = claim.until;
    }
  }

  /** False when another worker took index `n` first. */
  private async insertClaim(delivery: string, n: number, until: number): Promise<boolean> {
    const existing = await insertNew(this.m.postbackClaims, [{ _id: claimId(delivery, n), until }]);
    return existing.length === 0;
  }

  /**
   * Ends the lease, so a retry or re-send due before it would have ended is not held back. Losing
   * the race to a new claim is fine: that claim re-reads the delivery, written before this.
   */
  private async release(doc: PostbackDoc | null): Promise<void> {
    if (!doc) return;
    const head = await this.latestClaim(doc._id, doc.claims);
    if (head.until !== 0) await this.insertClaim(doc._id, head.next, 0);
  }

  async recordAttempt(
    id: string,
    attempt: PostbackAttempt,
    next: { state: DeliveryState; nextAt: number },
  ): Promise<void> {
    // Not atomic against concurrent writers on FerretDB: only a worker that overran its lease can
    // race another here, and then one of the two writes may be lost.
    const doc = await this.m.postbacks
      .findOneAndUpdate(
        { _id: id },
        { $push: { attempts: attempt }, $set: { state: next.state, nextAt: next.nextAt, leaseUntil: 0 } },
        { new: true },
      )
      .lean<PostbackDoc>()
      .exec();
    await this.release(doc);
  }

  async get(id: string): Promise<PostbackDelivery | null> {
    const doc = await this.m.postbacks.findById(id).lean<PostbackDoc>().exec();
    return doc ? toDelivery(doc) : null;
  }

  async list(q: PostbackQuery): Promise<PageOf<PostbackDelivery>> {
    const filter = defined<PostbackDoc>({
      account: q.account,
      campaign: q.campaign,
      status: q.status,
      state: q.state,
      created: between(q.from, q.to),
    });
    const [docs, total] = await Promise.all([
      q.limit <= 0
        ? []
        : this.m.postbacks
            .find(filter)
            .sort({ created: -1, _id: -1 })
            .skip(q.offset)
            .limit(q.limit)
            .lean<PostbackDoc[]>()
            .exec(),
      this.m.postbacks.countDocuments(filter).exec(),
    ]);
    return { rows: docs.map(toDelivery), total };
  }

  async resend(id: string, now: number): Promise<void> {
    const doc = await this.m.postbacks
      .findOneAndUpdate(
        { _id: id },
        { $set: { state: 'pending', nextAt: now, leaseUntil: 0 } },
        { new: true },
      )
      .lean<PostbackDoc>()
      .exec();
    await this.release(doc);
  }
}

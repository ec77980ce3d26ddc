import type { OutboxBacklog } from '@subtrack/ports';
import type { Model } from 'mongoose';
import { insertNew } from './writes';

/** What an outbox document carries for leasing. */
export interface LeasedDoc {
  _id: string;
  state: string;
  nextAt: number;
  /** Mirrors the latest claim, so the due query skips leased documents cheaply. */
  leaseUntil: number;
  /** How many claims were recorded, a hint only: the ledger is the truth. */
  claims: number;
}

/** One claim (or release, `until` 0) of an outbox document, `_id` `<document>#<n>`; never updated. */
export interface ClaimDoc {
  _id: string;
  until: number;
}

const claimId = (doc: string, n: number): string => `${doc}#${n}`;

/**
 * Leases on pending outbox documents (postbacks, welcomes). Claims go through an insert-only ledger
 * because a unique `_id` insert is the only compare-and-set stock FerretDB 1.x has: its
 * findOneAndUpdate filters in Go and then rewrites the document by `_id`, so two workers can both
 * match `leaseUntil <= now` and both "win" a guarded update. Whoever inserts claim n+1 after seeing
 * claim n expired or released holds the document; on MongoDB (and FerretDB as `scripts/servers`
 * builds it) the ledger is redundant but harmless.
 */
export class ClaimLedger<D extends LeasedDoc> {
  constructor(
    private readonly items: Model<D>,
    private readonly ledger: Model<ClaimDoc>,
  ) {}

  /** Both read off the due index (state, nextAt). */
  async backlog(): Promise<OutboxBacklog> {
    const pending = { state: 'pending' };
    const [n, first] = await Promise.all([
      this.items.countDocuments(pending).exec(),
      this.items.findOne(pending, { nextAt: 1 }).sort({ nextAt: 1 }).lean<{ nextAt: number }>().exec(),
    ]);
    return { pending: n, oldestDue: first ? first.nextAt : null };
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<D[]> {
    // A limit of 0 means "no limit" to MongoDB, but "none" to the ports.
    if (limit <= 0) return [];
    const due = await this.items
      .find({ state: 'pending', nextAt: { $lte: now }, leaseUntil: { $lte: now } })
      .sort({ nextAt: 1, _id: 1 })
      .limit(limit)
      .lean<D[]>()
      .exec();
    const claimed: (D | null)[] = await Promise.all(due.map((doc) => this.claimOne(doc, now, leaseMs)));
    return claimed.filter((d): d is D => d !== null);
  }

  /** Claims one document read as due; null when another worker holds it or it is no longer due. */
  async claimOne(doc: D, now: number, leaseMs: number): Promise<D | null> {
    const head = await this.latest(doc._id, doc.claims);
    if (head.until > now) return null;
    const until = now + leaseMs;
    if (!(await this.insert(doc._id, head.next, until))) return null;
    // Re-checked after winning: an outcome or re-send writes the document before its release, so a
    // claim that follows a release sees their state here.
    const won = await this.items
      .findOneAndUpdate(
        { _id: doc._id, state: 'pending', nextAt: { $lte: now } },
        { $set: { leaseUntil: until, claims: head.next + 1 } },
        { new: true },
      )
      .lean<D>()
      .exec();
    if (won) return won;
    // Lost to an outcome recorded meanwhile (its retry is not due yet): end the lease just taken,
    // or the document would sit behind it for a whole lease once it is due.
    await this.insert(doc._id, head.next + 1, 0);
    return null;
  }

  /**
   * Ends the lease, so a retry or re-send due before it would have ended is not held back. Losing
   * the race to a new claim is fine: that claim re-reads the document, written before this.
   */
  async release(doc: D | null): Promise<void> {
    if (!doc) return;
    const head = await this.latest(doc._id, doc.claims);
    if (head.until !== 0) await this.insert(doc._id, head.next, 0);
  }

  /**
   * The index the next claim takes and the lease of the latest one (0: none or released). Walks
   * forward from the document's hint, which may lag the ledger (a lost update) but never lead it.
   */
  private async latest(doc: string, hint = 0): Promise<{ next: number; until: number }> {
    let until = 0;
    for (let n = Math.max(hint - 1, 0); ; n++) {
      const claim = await this.ledger.findById(claimId(doc, n)).lean<ClaimDoc>().exec();
      if (!claim) return { next: n, until };
      until = claim.until;
    }
  }

  /** False when another worker took index `n` first. */
  private async insert(doc: string, n: number, until: number): Promise<boolean> {
    const existing = await insertNew(this.ledger, [{ _id: claimId(doc, n), until }]);
    return existing.length === 0;
  }
}

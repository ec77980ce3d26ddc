import type {
  DeliveryState,
  OutboxBacklog,
  PageOf,
  PostbackAttempt,
  PostbackDelivery,
  PostbackQuery,
  PostbackStore,
} from '@subtrack/ports';
import { between, defined } from './lead-store';
import type { Models, PostbackDoc } from './models';
import { ClaimLedger } from './claims';

const toDelivery = ({ _id, leaseUntil: _lease, claims: _claims, ...d }: PostbackDoc): PostbackDelivery => ({
  id: _id,
  ...d,
});
/** The postback outbox on MongoDB; leases go through the claim ledger (`postback_claims`). */
export class MongoPostbackStore implements PostbackStore {
  private readonly claims: ClaimLedger<PostbackDoc>;

  constructor(private readonly m: Models) {
    this.claims = new ClaimLedger<PostbackDoc>(m.postbacks, m.postbackClaims);
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<PostbackDelivery[]> {
    return (await this.claims.claimDue(now, limit, leaseMs)).map(toDelivery);
  }

  backlog(): Promise<OutboxBacklog> {
    return this.claims.backlog();
  }

  async recordAttempt(
    id: string,
    attempt: PostbackAttempt,
    next: { state: DeliveryState; nextAt: number },
  ): Promise<void> {
    // Not atomic against concurrent writers on stock FerretDB 1.x: only a worker that overran its
    // lease can race another here, and then one of the two writes may be lost.
    const doc = await this.m.postbacks
      .findOneAndUpdate(
        { _id: id },
        { $push: { attempts: attempt }, $set: { state: next.state, nextAt: next.nextAt, leaseUntil: 0 } },
        { new: true },
      )
      .lean<PostbackDoc>()
      .exec();
    await this.claims.release(doc);
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
      lead: q.lead,
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

  async latestOf(leads: readonly number[]): Promise<Map<number, PostbackDelivery>> {
    // One indexed lookup per lead of a page, rather than an `$in` this server would filter in Go.
    const docs = await Promise.all(
      [...new Set(leads)].map((lead) =>
        this.m.postbacks.findOne({ lead }).sort({ created: -1, _id: -1 }).lean<PostbackDoc>().exec(),
      ),
    );
    const out = new Map<number, PostbackDelivery>();
    for (const d of docs) if (d) out.set(d.lead, toDelivery(d));
    return out;
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
    await this.claims.release(doc);
  }
}

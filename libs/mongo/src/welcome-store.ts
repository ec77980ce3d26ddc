import type { OutboxBacklog, Welcome, WelcomeOutcome, WelcomeStore } from '@subtrack/ports';
import { ClaimLedger } from './claims';
import type { Models, WelcomeDoc } from './models';

const toWelcome = ({ _id, leaseUntil: _lease, claims: _claims, ...w }: WelcomeDoc): Welcome => ({
  id: _id,
  ...w,
});

/** The welcome outbox on MongoDB; leases go through the claim ledger (`welcome_claims`). */
export class MongoWelcomeStore implements WelcomeStore {
  private readonly claims: ClaimLedger<WelcomeDoc>;

  constructor(private readonly m: Models) {
    this.claims = new ClaimLedger<WelcomeDoc>(m.welcomes, m.welcomeClaims);
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<Welcome[]> {
    return (await this.claims.claimDue(now, limit, leaseMs)).map(toWelcome);
  }

  async record(id: string, o: WelcomeOutcome): Promise<void> {
    const doc = await this.m.welcomes
      .findOneAndUpdate(
        { _id: id },
        {
          $set: {
            state: o.state,
            nextAt: o.nextAt,
            lastError: o.error,
            leaseUntil: 0,
            ...(o.inviteLink ? { inviteLink: o.inviteLink } : {}),
          },
          $inc: { attempts: o.failed ? 1 : 0 },
        },
        { new: true },
      )
      .lean<WelcomeDoc>()
      .exec();
    await this.claims.release(doc);
  }

  async get(id: string): Promise<Welcome | null> {
    const doc = await this.m.welcomes.findById(id).lean<WelcomeDoc>().exec();
    return doc ? toWelcome(doc) : null;
  }

  async latestOf(leads: readonly number[]): Promise<Map<number, Welcome>> {
    // One indexed lookup per lead of a page, rather than an `$in` this server would filter in Go.
    const docs = await Promise.all(
      [...new Set(leads)].map((lead) =>
        this.m.welcomes.findOne({ lead }).sort({ created: -1, _id: -1 }).lean<WelcomeDoc>().exec(),
      ),
    );
    const out = new Map<number, Welcome>();
    for (const d of docs) if (d) out.set(d.lead, toWelcome(d));
    return out;
  }

  backlog(): Promise<OutboxBacklog> {
    return this.claims.backlog();
  }
}

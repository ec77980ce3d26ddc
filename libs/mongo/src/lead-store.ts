import { LeadStatus, type JournalAction } from '@subtrack/contracts';
import {
  counterFor,
  emptyLeadCounters,
  emptyOrganicCounters,
  organicCounterFor,
  type LeadCounters,
  type OrganicCounters,
} from '@subtrack/domain';
import type {
  CountScope,
  EventAt,
  JournalEntry,
  JournalQuery,
  LeadQuery,
  LeadStore,
  LeadUnitOfWork,
  OrganicScope,
  PageOf,
  RecheckQuery,
  StoredLead,
} from '@subtrack/ports';
import type { FilterQuery } from 'mongoose';
import { leadStoreCounts } from './bucket-counts';
import type { CountDoc, JournalDoc, LeadDoc, Models, PostbackDoc, TransitionDoc, WelcomeDoc } from './models';
import { GuardedCounts, guardedModel, insertNew } from './writes';

const STREAM_PAGE = 1000;

const toLead = (d: LeadDoc): StoredLead => ({
  id: d._id,
  account: d.account,
  campaign: d.campaign,
  chat: d.chat,
  bot: d.bot,
  subscriber: d.subscriber,
  username: d.username,
  click: d.click,
  inviteLink: d.inviteLink,
  status: d.status,
  startTime: d.startTime,
  joinTime: d.joinTime,
  updated: d.updated,
  reached: d.reached,
  seq: d.seq,
  ...(d.found ? { found: d.found } : {}),
});
const toLeadDoc = ({ id, found, ...lead }: StoredLead): LeadDoc => ({ _id: id, ...lead, found: found ?? 0 });
const toEntry = (d: JournalDoc): JournalEntry => ({
  id: d._id,
  account: d.account,
  bot: d.bot,
  chat: d.chat,
  subscriber: d.subscriber,
  username: d.username,
  action: d.action,
  paid: d.paid,
  time: d.time,
});

/** `{ field: value }` for each filter that is set. */
export function defined<T>(filters: Record<string, unknown>): FilterQuery<T> {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as FilterQuery<T>;
}
/** Inclusive bounds, or nothing when neither is set. */
export function between(
  from: number | undefined,
  to: number | undefined,
): { $gte?: number; $lte?: number } | undefined {
  if (from === undefined && to === undefined) return undefined;
  return defined({ $gte: from, $lte: to });
}

export class MongoLeadStore implements LeadStore {
  private readonly counts;

  constructor(private readonly m: Models) {
    this.counts = leadStoreCounts(m);
  }

  async leadsOf(subscribers: readonly number[]): Promise<StoredLead[]> {
    if (subscribers.length === 0) return [];
    const docs = await this.m.leads
      .find({ subscriber: { $in: [...subscribers] } })
      .lean<LeadDoc[]>()
      .exec();
    return docs.map(toLead);
  }

  /**
   * Without transactions every part is written so that a retry redoes only what is missing: journal
   * rows, transitions and postbacks are inserted once under the id of the event they came from, and
   * leads go last and only forward in seq. Leads last matters: the projector skips an event whose seq
   * a stored lead has reached, so a lead written before its transitions or postbacks could strand
   * them. An existing postback is left alone: its delivery state and attempts are the worker's.
   * The counts beside the rows go first, each change guarded by its event (`MongoBucketCounts`).
   */
  async commit(work: LeadUnitOfWork): Promise<void> {
    await this.count(work);
    const results = await Promise.allSettled([
      insertNew(
        this.m.journal,
        work.journal.map(({ id, ...e }): JournalDoc => ({ _id: id, ...e })),
      ),
      insertNew(
        this.m.transitions,
        work.transitions.map(({ id, ...t }): TransitionDoc => ({ _id: id, ...t })),
      ),
      insertNew(
        this.m.postbacks,
        work.postbacks.map(({ id, ...p }): PostbackDoc => ({
          _id: id,
          ...p,
          state: 'pending',
          attempts: [],
          nextAt: 0,
          leaseUntil: 0,
          claims: 0,
        })),
      ),
      insertNew(
        this.m.welcomes,
        work.welcomes.map(({ id, ...w }): WelcomeDoc => ({
          _id: id,
          ...w,
          state: 'pending',
          attempts: 0,
          lastError: '',
          nextAt: 0,
          leaseUntil: 0,
          claims: 0,
        })),
      ),
    ]);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    await this.upsertLeads(work.leads.map(toLeadDoc));
  }

  /**
   * What the work changes in the counts, event by event in log order: a status change moves its
   * lead from one (campaign, status) count to the other; first entries and journal rows add one.
   */
  private async count(work: LeadUnitOfWork): Promise<void> {
    const into = new GuardedCounts<CountDoc>('every one');
    for (const t of work.transitions) {
      const seq = Number.parseInt(t.id, 10);
      if (!Number.isSafeInteger(seq)) throw new Error(`transition id ${t.id} does not start with a seq`);
      if (t.from !== null) this.counts.leads.add(into, t.account, [t.campaign, t.from], t.startTime, -1, seq);
      this.counts.leads.add(into, t.account, [t.campaign, t.to], t.startTime, 1, seq);
      if (t.first) this.counts.firstEntries.add(into, t.account, [t.campaign, t.to], t.time, 1, seq);
    }
    for (const e of work.journal)
      this.counts.journal.add(into, e.account, [e.bot, e.chat, e.action, e.paid], e.time, 1, e.id);
    await into.write(guardedModel(this.m.counts));
  }

  async recheckCandidates(q: RecheckQuery): Promise<StoredLead[]> {
    const out = new Map<number, StoredLead>();
    const approve = LeadStatus.approve;
    for (const w of q.windows) {
      if (out.size >= q.limit) break;
      const docs = await this.m.leads
        .find({
          campaign: w.campaign,
          status: approve,
          joinTime: { $gte: w.joinedSince },
          bot: q.bot,
          updated: { $lte: q.changedBefore },
        })
        .sort({ checked: 1, _id: 1 })
        .limit(q.limit)
        .lean<LeadDoc[]>()
        .exec();
      for (const d of docs) out.set(d._id, toLead(d));
    }
    if (out.size < q.limit) {
      const docs = await this.m.leads
        .find({ bot: q.bot, status: approve, updated: { $lte: q.changedBefore } })
        .sort({ checked: 1, _id: 1 })
        .limit(q.limit)
        .lean<LeadDoc[]>()
        .exec();
      for (const d of docs) out.set(d._id, toLead(d));
    }
    return [...out.values()].slice(0, q.limit);
  }

  async markChecked(leads: readonly number[], at: number): Promise<void> {
    if (leads.length === 0) return;
    await this.m.leads.bulkWrite(
      leads.map((_id) => ({ updateOne: { filter: { _id }, update: { $set: { checked: at } } } })),
      { ordered: false },
    );
  }

  /** Postbacks and welcomes are kept: a rebuild must neither send one again nor forget one. */
  async reset(): Promise<void> {
    await Promise.all([
      this.m.leads.deleteMany({}),
      this.m.journal.deleteMany({}),
      this.m.transitions.deleteMany({}),
      this.m.appliedEvents.deleteMany({}),
      this.m.counts.deleteMany({}),
    ]);
  }

  /**
   * One unordered insert; only the ids it finds taken are looked up, one by one (an `_id` lookup is
   * what every server serves from its index). An id recorded without a position was fully applied
   * before positions were recorded: a copy now.
   */
  async claim(events: readonly EventAt[]): Promise<Set<number>> {
    const taken = await insertNew(
      this.m.appliedEvents,
      events.map((e) => ({ _id: e.id, seq: e.seq })),
    );
    const copies = new Set<number>();
    await Promise.all(
      taken.map(async (i) => {
        const e = events[i]!;
        const first = await this.m.appliedEvents.findById(e.id).lean<{ seq?: number }>().exec();
        if (first?.seq !== e.seq) copies.add(e.seq);
      }),
    );
    return copies;
  }

  /**
   * Insert first, then update the leads that existed, guarded by seq. Not one upsert per lead: a
   * guarded upsert that does not match tries to insert and fails on the `_id`, and FerretDB stops
   * an unordered update batch at its first error (misreporting which statement failed), so the
   * leads after it would be silently skipped.
   */
  private async upsertLeads(docs: LeadDoc[]): Promise<void> {
    const existing = await insertNew(
      this.m.leads,
      docs.map((d) => ({ ...d, checked: 0 })),
    );
    if (existing.length === 0) return;
    await this.m.leads.bulkWrite(
      existing.map((i) => {
        const { _id, ...fields } = docs[i]!;
        return { updateOne: { filter: { _id, seq: { $lt: fields.seq } }, update: { $set: fields } } };
      }),
      { ordered: false },
    );
  }

  private leadFilter(q: Omit<LeadQuery, 'limit' | 'offset'>): FilterQuery<LeadDoc> {
    return defined<LeadDoc>({
      account: q.account,
      campaign: q.campaign,
      status: q.status,
      startTime: between(q.from, q.to),
    });
  }

  async listLeads(q: LeadQuery): Promise<PageOf<StoredLead>> {
    const filter = this.leadFilter(q);
    const [docs, total] = await Promise.all([
      // A limit of 0 means "no limit" to MongoDB, but "no rows" to this port.
      q.limit <= 0
        ? []
        : this.m.leads
            .find(filter)
            .sort({ startTime: -1, _id: -1 })
            .skip(q.offset)
            .limit(q.limit)
            .lean<LeadDoc[]>()
            .exec(),
      this.counts.leads.total(q.account, { campaign: q.campaign, status: q.status }, q.from, q.to),
    ]);
    return { rows: docs.map(toLead), total };
  }

  async *streamLeads(q: Omit<LeadQuery, 'limit' | 'offset'>): AsyncIterable<StoredLead> {
    const filter = this.leadFilter(q);
    // Keyset pages: a long export holds no cursor open on the server and neither skips nor repeats
    // rows while leads are being written.
    let after: { startTime: number; id: number } | null = null;
    for (;;) {
      const page: FilterQuery<LeadDoc> = after
        ? {
            $and: [
              filter,
              {
                $or: [
                  { startTime: { $lt: after.startTime } },
                  { startTime: after.startTime, _id: { $lt: after.id } },
                ],
              },
            ],
          }
        : filter;
      const docs = await this.m.leads
        .find(page)
        .sort({ startTime: -1, _id: -1 })
        .limit(STREAM_PAGE)
        .lean<LeadDoc[]>()
        .exec();
      for (const doc of docs) yield toLead(doc);
      const last = docs[docs.length - 1];
      if (docs.length < STREAM_PAGE || !last) return;
      after = { startTime: last.startTime, id: last._id };
    }
  }

  async listJournal(q: JournalQuery): Promise<PageOf<JournalEntry>> {
    const filter = defined<JournalDoc>({
      account: q.account,
      bot: q.bot,
      chat: q.chat,
      action: q.action,
      time: between(q.from, q.to),
    });
    const [docs, total] = await Promise.all([
      q.limit <= 0
        ? []
        : this.m.journal
            .find(filter)
            .sort({ time: -1, _id: -1 })
            .skip(q.offset)
            .limit(q.limit)
            .lean<JournalDoc[]>()
            .exec(),
      this.counts.journal.total(q.account, { bot: q.bot, chat: q.chat, action: q.action }, q.from, q.to),
    ]);
    return { rows: docs.map(toEntry), total };
  }

  async countFirstEntries(scope: CountScope): Promise<LeadCounters> {
    const byStatus = await this.counts.firstEntries.sum(
      scope.account,
      { campaign: scope.campaign },
      scope.from,
      scope.to,
      'to',
    );
    const counters = emptyLeadCounters();
    for (const [status, n] of byStatus) counters[counterFor(status as LeadStatus)] += n;
    return counters;
  }

  async countOrganic(scope: OrganicScope): Promise<OrganicCounters> {
    const byAction = await this.counts.journal.sum(
      scope.account,
      { chat: scope.chat, paid: 0 },
      scope.from,
      scope.to,
      'action',
    );
    const counters = emptyOrganicCounters();
    for (const [action, n] of byAction) {
      const c = organicCounterFor(action as JournalAction);
      if (c) counters[c] += n;
    }
    return counters;
  }
}

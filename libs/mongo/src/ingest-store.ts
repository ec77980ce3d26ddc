import type { DeadLetter, IngestStore } from '@subtrack/ports';
import type { DeadLetterDoc, InviteLinkDoc, Models } from './models';
import { nextId, retryingDuplicates } from './writes';

export class MongoIngestStore implements IngestStore {
  constructor(private readonly m: Models) {}

  async inviteLink(campaign: number, subscriber: number): Promise<string | null> {
    const doc = await this.m.inviteLinks.findById(`${campaign}:${subscriber}`).lean<InviteLinkDoc>().exec();
    return doc?.link ?? null;
  }

  async saveInviteLink(campaign: number, subscriber: number, link: string): Promise<void> {
    await retryingDuplicates(() =>
      this.m.inviteLinks
        .updateOne(
          { _id: `${campaign}:${subscriber}` },
          { $set: { campaign, subscriber, link } },
          { upsert: true },
        )
        .exec(),
    );
  }

  async deadLetter(e: DeadLetter): Promise<void> {
    // A counter rather than ObjectIds: their order is only per second and per process.
    const id = await nextId(this.m.counters, 'dead_letters');
    await this.m.deadLetters.create({ _id: id, ...e });
  }

  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    // A limit of 0 means "no limit" to MongoDB, but "nothing" to this port.
    if (limit <= 0) return [];
    const docs = await this.m.deadLetters
      .find()
      .sort({ _id: -1 })
      .limit(limit)
      .lean<DeadLetterDoc[]>()
      .exec();
    return docs.map((d) => ({
      bot: d.bot,
      updateId: d.updateId ?? null,
      payload: d.payload,
      error: d.error,
      time: d.time,
    }));
  }
}

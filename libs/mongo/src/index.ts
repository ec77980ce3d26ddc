import type {
  CatalogStore,
  IngestStore,
  LeadStore,
  PostbackStore,
  StatsStore,
  WelcomeStore,
} from '@subtrack/ports';
import mongoose from 'mongoose';
import { MongoCatalogStore } from './catalog-store';
import { MongoIngestStore } from './ingest-store';
import { MongoLeadStore } from './lead-store';
import { bindModels } from './models';
import { MongoPostbackStore } from './postback-store';
import { MongoStatsStore } from './stats-store';
import { MongoWelcomeStore } from './welcome-store';

export {
  MongoCatalogStore,
  MongoIngestStore,
  MongoLeadStore,
  MongoPostbackStore,
  MongoStatsStore,
  MongoWelcomeStore,
};
export { bindModels, type Models } from './models';

/** The projection stores of the distributed deployment, on one MongoDB database. */
export interface MongoStores {
  catalog: CatalogStore;
  ingest: IngestStore;
  leads: LeadStore;
  postbacks: PostbackStore;
  stats: StatsStore;
  welcomes: WelcomeStore;
  close(): Promise<void>;
}

/**
 * Connects to the database in `url` on a connection of its own (several stores or tests can live in
 * one process) and resolves once every index exists, so the unique ones guard the first write.
 */
export async function openMongoStores(url: string): Promise<MongoStores> {
  // Indexes are created below, awaited, rather than in the background on first use.
  const conn = await mongoose.createConnection(url, { autoIndex: false, autoCreate: false }).asPromise();
  try {
    const models = bindModels(conn);
    for (const model of Object.values(models)) await model.createIndexes();
    return {
      catalog: new MongoCatalogStore(models),
      ingest: new MongoIngestStore(models),
      leads: new MongoLeadStore(models),
      postbacks: new MongoPostbackStore(models),
      stats: new MongoStatsStore(models),
      welcomes: new MongoWelcomeStore(models),
      close: () => conn.close(),
    };
  } catch (err) {
    await conn.close();
    throw err;
  }
}

/** Drops the database in `url` with everything in it (tests). */
export async function dropMongoDatabase(url: string): Promise<void> {
  const conn = await mongoose.createConnection(url).asPromise();
  try {
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}

import {
  catalogStoreContract,
  eventLogContract,
  ingestStoreContract,
  leadStoreContract,
  postbackStoreContract,
  statsStoreContract,
  welcomeStoreContract,
} from '@subtrack/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbedded, type EmbeddedAdapters } from './index';

/** Every adapter on a fresh database file in its own temp dir, removed again on close. */
async function open(): Promise<EmbeddedAdapters> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'subtrack-contract-'));
  const adapters = openEmbedded(dir, { idlePollMs: 50, retryMs: 20, log: () => undefined });
  return {
    ...adapters,
    close: async () => {
      await adapters.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const storeOf =
  <K extends 'catalog' | 'ingest' | 'leads' | 'stats'>(key: K) =>
  async () => {
    const adapters = await open();
    return { store: adapters[key], close: () => adapters.close() };
  };

eventLogContract(
  'embedded SQLite',
  async () => {
    const adapters = await open();
    return { log: adapters.eventLog, close: () => adapters.close() };
  },
  { timeoutMs: 5_000 },
);
catalogStoreContract('embedded SQLite', storeOf('catalog'));
ingestStoreContract('embedded SQLite', storeOf('ingest'));
leadStoreContract('embedded SQLite', storeOf('leads'));
statsStoreContract('embedded SQLite', storeOf('stats'));

postbackStoreContract('embedded SQLite', async () => {
  const adapters = await open();
  return { leads: adapters.leads, postbacks: adapters.postbacks, close: () => adapters.close() };
});

welcomeStoreContract('embedded SQLite', async () => {
  const adapters = await open();
  return { leads: adapters.leads, welcomes: adapters.welcomes, close: () => adapters.close() };
});

export { IngestModule } from './ingest.module';
export { UpdateIngestor } from './update-ingestor';
export { BotRegistry } from './bot-registry';

import { ConfigError, loadConfig } from '@subtrack/config';
import { replay } from './replay';

/** `npm run replay`: rebuilds every projection from the event log of the configured backend. */
async function main(): Promise<void> {
  const config = loadConfig();
  const started = Date.now();
  console.log(
    `rebuilding projections from the event log (${config.KAFKA_BROKERS ? 'Kafka + MongoDB' : `embedded, ${config.DATA_DIR}`})`,
  );
  await replay(config, (p) => {
    console.log(
      `  ${((Date.now() - started) / 1000).toFixed(1)}s  lead-projection behind by ${p.leadProjectionLag}, stats behind by ${p.statsLag}`,
    );
  });
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? `Invalid configuration: ${err.message}` : err);
  process.exit(1);
});

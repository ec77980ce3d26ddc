import { ConfigError, isDistributed, loadConfig, type Config } from '@subtrack/config';
import { resolveAdminToken, startEmbedded } from './app';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Invalid configuration: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  if (isDistributed(config)) {
    console.error('KAFKA_BROKERS and MONGO_URL are set: the distributed mode runs each service as its own process (see README).');
    process.exit(1);
  }
  const admin = resolveAdminToken(config);
  const running = await startEmbedded({ config });
  console.log(`Telegram subscriber tracker (embedded) on ${running.url}, data in ${config.DATA_DIR}`);
  if (admin.file) console.log(`ADMIN_TOKEN is not set; the admin token is kept in ${admin.file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

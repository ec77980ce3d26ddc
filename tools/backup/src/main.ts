import { ConfigError, isDistributed, loadConfig } from '@subtrack/config';
import { backupDatabase, restoreDatabase } from '@subtrack/sqlite';

const USAGE = `Usage:
  npm run backup -- <file>             consistent copy of the embedded database under DATA_DIR, while the product runs
  npm run backup -- --restore <file>   puts a backup in place under DATA_DIR (stop the product first)`;

/** `npm run backup`: online backup and restore of the embedded database file. */
function main(argv: string[]): number {
  const restore = argv[0] === '--restore';
  const file = restore ? argv[1] : argv[0];
  if (!file || file.startsWith('-') || argv.length > (restore ? 2 : 1)) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  if (isDistributed(config)) {
    console.error(
      'backup covers the embedded database; in distributed mode back up MongoDB (mongodump) and Kafka',
    );
    return 2;
  }
  if (restore) {
    const { replaced } = restoreDatabase(file, config.DATA_DIR);
    console.log(
      `restored ${file} into ${config.DATA_DIR}${replaced ? `; the database it replaced is kept as ${replaced}` : ''}`,
    );
  } else {
    const { bytes } = backupDatabase(config.DATA_DIR, file);
    console.log(`backed up ${config.DATA_DIR} to ${file} (${(bytes / 2 ** 20).toFixed(1)} MB)`);
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(
    err instanceof ConfigError ? `Invalid configuration: ${err.message}` : (err as Error).message,
  );
  process.exitCode = 1;
}

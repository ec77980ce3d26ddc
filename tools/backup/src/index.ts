export { backupDatabase, restoreDatabase } from '@subtrack/sqlite';

import { runService } from '@subtrack/runtime';
import { ALL_SERVICES } from './app';

// `npm start`: every service in one process on the embedded database file under DATA_DIR.
runService({ name: 'embedded', modules: ALL_SERVICES, adminApi: true });

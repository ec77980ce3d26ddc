import { runService } from '@subtrack/runtime';
import { StatsModule } from './index';

// The stats service on its own (distributed mode); `npm start` runs all services in one process.
runService({ name: 'stats', modules: [StatsModule], adminApi: false, requireDistributed: true });

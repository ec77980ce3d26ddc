import { runService } from '@subtrack/runtime';
import { IngestModule } from './index';

// The ingest service on its own (distributed mode); `npm start` runs all services in one process.
runService({ name: 'ingest', modules: [IngestModule], adminApi: false, requireDistributed: true });

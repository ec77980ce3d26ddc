import { runService } from '@subtrack/runtime';
import { LeadProjectionModule } from './index';

// The lead-projection service on its own (distributed mode); `npm start` runs all services in one process.
runService({
  name: 'lead-projection',
  modules: [LeadProjectionModule],
  adminApi: false,
  requireDistributed: true,
});

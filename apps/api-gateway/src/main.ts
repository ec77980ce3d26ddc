import { runService } from '@subtrack/runtime';
import { ApiGatewayModule } from './index';

// The api-gateway service on its own (distributed mode); `npm start` runs all services in one process.
runService({ name: 'api-gateway', modules: [ApiGatewayModule], adminApi: true, requireDistributed: true });

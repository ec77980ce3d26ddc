import { startDistributedStack } from './distributed';
import { describeLifecycle } from './scenario';

// Same scenario, same expected answers: ingest, api-gateway, two lead-projection and two stats
// processes on real Kafka and a MongoDB-protocol server.
jest.setTimeout(180_000);
describeLifecycle('distributed', () => startDistributedStack(), 300_000);

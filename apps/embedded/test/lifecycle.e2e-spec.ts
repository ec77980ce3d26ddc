import { startStack } from './harness';
import { describeLifecycle } from './scenario';

describeLifecycle('embedded', () => startStack());

import { startStack } from './harness';
import { describeWelcomes } from './welcomes';

describeWelcomes('embedded', () => startStack(), 300);

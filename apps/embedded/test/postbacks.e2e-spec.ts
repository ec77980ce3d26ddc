import { startStack } from './harness';
import { describePostbacks } from './postbacks';

describePostbacks('embedded', () => startStack());

export { replay } from './replay';
export type { ReplayProgress } from './replay';

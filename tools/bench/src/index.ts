export { parseArgs, USAGE, UsageError, FULL, QUICK, BENCHES } from './args';
export type { BenchName, BenchOptions, Sizes } from './args';
export { runBenchmarks, formatReport, writeJson } from './bench';
export type { BenchReport } from './bench';
export { rawEngineLimit } from './raw-engine';
export { ingestPolling, ingestDirect, verifyCounts, INGEST_TARGET } from './ingest';
export type { IngestOptions, IngestRun } from './ingest';
export { apiLatency, percentile } from './api-latency';
export type { ApiOptions } from './api-latency';
export { fillDataDir } from './api-fill';
export type { FillOptions, Filled } from './api-fill';
export {
  expectedCounts,
  normalizeAll,
  queueTraffic,
  subscribersFor,
  unpolledFake,
  CAMPAIGN_MODES,
} from './traffic';
export type { BenchCampaign, ExpectedCounts, TrafficPlan } from './traffic';
export { check, formatTable, formatValue, score, machine } from './report';
export type { BenchResult, Check, Figure, Machine, ScoredFigure, Status, Target } from './report';
export { chaos } from './chaos';
export type { ChaosOptions, ChaosResult } from './chaos';

export { planSimulation, PATH_RATES } from './plan';
export type {
  JoinMode,
  OrganicPlan,
  OrganicStep,
  PlanOptions,
  SimulationPlan,
  SubscriberPlan,
  SubscriberStep,
} from './plan';
export { cr, expectedSummary, leadStatuses, plannedActions, SUMMARY_FIELDS } from './expected';
export type { LeadStatus, Summary } from './expected';
export { findInviteLink, runPlan } from './run';
export type { RunOptions, RunResult, RunTarget } from './run';
export { parseArgs, USAGE, UsageError } from './args';
export type { SimulatorOptions } from './args';
export { ProductApiError, ProductClient, findChatRecord } from './product';
export { formatReport, summariesMatch } from './report';
export type { ScopeComparison } from './report';
export { simulate } from './simulate';
export type { SimulationOutcome } from './simulate';

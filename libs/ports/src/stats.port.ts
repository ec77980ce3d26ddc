import type { LeadCounters, OrganicCounters } from '@subtrack/domain';

interface IncrementBase {
  /** Where the counted event comes from: each (partition, order) is counted once. */
  partition: number;
  order: number;
  account: number;
  /** Local calendar day in the account's time zone, `YYYY-MM-DD`. */
  day: string;
}

export type RollupIncrement =
  | (IncrementBase & { kind: 'lead'; campaign: number; counter: keyof LeadCounters })
  | (IncrementBase & { kind: 'organic'; chat: number; counter: keyof OrganicCounters });

export interface RollupScope {
  account: number;
  campaign?: number;
  chat?: number;
  /** Inclusive local days, `YYYY-MM-DD`. */
  fromDay: string;
  toDay: string;
}

/** Daily rollups per account/campaign/chat, owned by the stats service. */
export interface StatsStore {
  /**
   * Adds one to each increment's counter. Increments of a partition arrive in increasing `order`;
   * the store counts each (partition, order) exactly once, however often (and in however overlapping
   * batches) it is delivered again.
   */
  apply(increments: readonly RollupIncrement[]): Promise<void>;
  leadRollups(scope: RollupScope): Promise<Map<string, LeadCounters>>;
  organicRollups(scope: RollupScope): Promise<Map<string, OrganicCounters>>;
  /** The scope's days summed: a summary's numbers, without a map of days to build. */
  leadTotals(scope: RollupScope): Promise<LeadCounters>;
  organicTotals(scope: RollupScope): Promise<OrganicCounters>;
  /** Drops every rollup and what was counted (before a rebuild). */
  reset(): Promise<void>;
}

import type { LeadCounters, OrganicCounters } from '@subtrack/domain';

export interface LeadRollupDelta {
  account: number;
  campaign: number;
  day: string;
  counters: LeadCounters;
}

export interface OrganicRollupDelta {
  account: number;
  chat: number;
  day: string;
  counters: OrganicCounters;
}

/** How far a stats consumer got in each partition. */
export type Checkpoints = Record<number, number>;

export interface StatsBatch {
  leads: LeadRollupDelta[];
  organic: OrganicRollupDelta[];
  /** The seq of the last event of the batch, per partition. */
  checkpoints: Checkpoints;
}

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
   * Adds the deltas unless the batch was applied already: a store applies a batch exactly once per
   * partition position, however often it is redelivered.
   */
  apply(batch: StatsBatch): Promise<void>;
  /** Positions already applied, so a consumer can skip events it has counted. */
  checkpoints(): Promise<Checkpoints>;
  leadRollups(scope: RollupScope): Promise<Map<string, LeadCounters>>;
  organicRollups(scope: RollupScope): Promise<Map<string, OrganicCounters>>;
  /** Drops every rollup and checkpoint (before a rebuild). */
  reset(): Promise<void>;
}

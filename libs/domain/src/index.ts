export { decide, evolve, applyToLead, attributeLead, hasReached, movesLead } from './lead/lead';
export type { Lead, LeadInput, LeadChange } from './lead/lead';
export { classifyChatMember, journalAction, isMembershipEvent } from './journal/journal';
export type { ChatMemberLike, ChatMemberUpdateLike, MembershipKind } from './journal/journal';
export { normalizeUpdate, eventMeta, MalformedUpdateError } from './telegram/normalize';
export type { BotContext, StartRequest, Normalized } from './telegram/normalize';
export { parseStartPayload, startCommandPayload } from './telegram/start-payload';
export { DEFAULT_WELCOME, SendPacer, judgeBotApiFailure } from './telegram/bot-api';
export type { BotApiFailure, BotApiVerdict } from './telegram/bot-api';
export type { StartPayload } from './telegram/start-payload';
export * from './time/time';
export * from './stats/stats';
export { planRange } from './stats/plan';
export type { RangePlan, LiveStretch } from './stats/plan';
export {
  templatesFor,
  renderTemplate,
  insideUnsubscribeWindow,
  nextRetryAt,
  isPrivateAddress,
  RETRY_FOR_MS,
  MAX_RETRY_MS,
} from './postback/postback';
export type { Templates, MacroValues, RetryOptions } from './postback/postback';
export { planBuckets, bucketOf, BUCKET_SIZES, LONG_BUCKET_SIZES } from './stats/buckets';
export type { BucketPlan, BucketSize, Stretch } from './stats/buckets';
export { TokenBuckets } from './limits/token-buckets';

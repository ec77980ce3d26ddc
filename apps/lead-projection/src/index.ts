export { LeadProjector } from './lead-projector';
export { LeadProjectionModule, LEAD_PROJECTION_GROUP } from './lead-projection.module';
export { PostbackSender } from './postback-sender';
export { BlockedTargetError } from '@subtrack/postback-http';

export { LeadProjector } from './lead-projector';
export { LeadProjectionModule, LEAD_PROJECTION_GROUP } from './lead-projection.module';
export { PostbackSender, BlockedTargetError } from './postback-sender';

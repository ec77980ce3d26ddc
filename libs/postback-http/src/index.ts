export { BlockedTargetError, describeFailure, guardedLookup, requestTarget } from './http';
export type { HttpTarget, TargetAnswer } from './http';
export { PostbackSigner, postbackSignature, SIGNATURE_HEADER } from './signer';

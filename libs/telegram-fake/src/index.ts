export { FakeTelegram } from './fake-telegram';
export type { FakeTelegramOptions } from './fake-telegram';
export { defaultAdminRights } from './records';
export type {
  ApiCallRecord,
  CreatedBot,
  DeliveryRecord,
  Emitted,
  FaultSpec,
  InviteLinkOptions,
  LinkRef,
  Ref,
} from './records';
export { startFakeTelegram, createRequestHandler, parseBody, CONTROL_ACTIONS, CONTROL_VIEWS } from './server';
export type { RunningFakeTelegram, StartFakeTelegramOptions } from './server';
export { FakeTelegramClient, FakeControlError } from './client';
export type { FakeControl, MaybePromise } from './control';
export { generateTraffic } from './traffic';
export type { TrafficOptions, TrafficResult } from './traffic';
export { TelegramApiError, ScenarioError } from './errors';
export { BOT_API_METHODS } from './bot-api';
export { Clock } from './clock';
export { BotApiConditions } from './conditions';
export type { NetworkConditions, NetworkState } from './conditions';
export { createRng } from './random';
export type { Rng } from './random';
export { inviteLinkButtons } from './messages';
export * from './types';

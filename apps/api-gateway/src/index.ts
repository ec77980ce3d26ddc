export { ApiGatewayModule } from './api-gateway.module';
export { ApiErrorFilter } from './api-error';
export { CLOCK, ADMIN_TOKEN, systemClock } from './tokens';
export type { Clock } from './tokens';
export { hashSecret, newApiKey } from './auth';

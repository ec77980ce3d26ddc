export { ApiGatewayModule } from './api-gateway.module';
export { ApiErrorFilter } from './api-error';
export { hashSecret, newApiKey } from './auth';

export * from './endpoints';
export * from './responses';
export * from './types';
export { openApiDocument, jsonSchemaOf } from './openapi';
export { check, type Checked } from './validate';
export { MAX_TIME, type JsonSchema } from './fields';

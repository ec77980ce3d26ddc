export * from './events';
export { domainEventSchema, parseDomainEvent, InvalidEventError } from './schema';

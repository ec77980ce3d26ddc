export { KafkaEventLog, openKafkaLog, deadLetterTopic, MAX_PARTITIONS } from './kafka-event-log';
export type { GroupStatus, KafkaLogOptions } from './kafka-event-log';

export { createKafkaSource, type KafkaSourceOptions } from './source.js';
export { createKafka, type KafkaConnection } from './client.js';

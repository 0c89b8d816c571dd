export { createKafkaSource, type KafkaSourceOptions } from './source.js';
export { createKafka, type KafkaConnection } from './client.js';
export { saslOf, SASL_MECHANISMS, type Sasl, type SaslMechanism } from './sasl.js';

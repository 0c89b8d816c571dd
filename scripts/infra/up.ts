/**
 * npm run infra:up — starts Kafka and kinesis-local unless they already answer, waits until they
 * serve real requests, and prints where they are. Safe to run again: it then reuses them.
 */
import { infraUp } from './index.js';

// The AWS SDK warns once per process that its 2027 releases will need Node 22; the probe client
// would print that 7-line notice in the middle of the status lines. It concerns the project's
// engines field, not the infrastructure, so it is silenced here only.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

try {
  const info = await infraUp();
  const sasl = info.kafka.saslSsl;
  console.log(`  KAFKA_BROKERS=${info.kafka.brokers.join(',')}`);
  if (sasl) {
    console.log(`  KAFKA_SASL_SSL_BROKERS=${sasl.brokers.join(',')}  (SCRAM-SHA-256 ${sasl.username}/${sasl.password}, CA ${sasl.caFile})`);
  }
  console.log(`  KINESIS_ENDPOINT=${info.kinesis.endpoint}  (region ${info.kinesis.region}, any credentials)`);
  if (info.started.length > 0) console.log(`  stop with: npm run infra:down`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}

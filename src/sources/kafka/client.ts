/**
 * A kafkajs client from vpcflow's settings: brokers, TLS (with an optional CA file), SASL
 * (PLAIN, SCRAM-SHA-256/512), and kafkajs's log lines routed into vpcflow's logger.
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { VpcflowError } from '../../errors.js';
import { mskIamSasl, mskRegion } from './msk-iam.js';
import type { Sasl } from './sasl.js';

export interface KafkaConnection {
  brokers: readonly string[];
  clientId: string;
  tls: boolean;
  caFile: string | null;
  sasl: Sasl;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(connection: KafkaConnection, logger: Logger): Kafka {
  let ca: string | undefined;
  if (connection.caFile) {
    try {
      ca = readFileSync(connection.caFile, 'utf8');
    } catch (cause) {
      throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `cannot read the Kafka CA file ${connection.caFile} (--kafka-ca-file): ${(cause as Error).message}`, { cause, context: { setting: 'kafkaCaFile', value: connection.caFile } });
    }
  }
  const iam = connection.sasl?.mechanism === 'aws-msk-iam';
  const config: KafkaConfig = {
    clientId: connection.clientId,
    brokers: [...connection.brokers],
    // MSK's IAM listener is TLS only.
    ssl: ca ? { ca: [ca] } : connection.tls || iam,
    sasl: iam ? mskIamSasl(mskRegion(connection.brokers)) : connection.sasl ? ({ ...connection.sasl } as SASLOptions) : undefined,
    connectionTimeout: 5000,
    // Keep retrying: a broker outage is waited out, not fatal (readiness reports it meanwhile).
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...rest } = log;
        logger[LEVELS[level] ?? 'info']({ kafka: rest }, `kafka: ${message}`);
      },
  };
  return new Kafka(config);
}

/** Turn kafkajs connection failures into messages a user can act on. */
export function connectionError(error: unknown, connection: KafkaConnection): VpcflowError {
  const e = error as Error & { type?: string };
  const auth = e.name === 'KafkaJSSASLAuthenticationError' || /SASL|authentication/i.test(e.message);
  const message = auth && connection.sasl?.mechanism === 'aws-msk-iam'
    ? `Kafka rejected the AWS IAM authentication (aws-msk-iam): ${e.message}. Check the credentials of the AWS default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, the instance or task role), the region (AWS_REGION), and that the IAM policy allows kafka-cluster:Connect, DescribeTopic, ReadData and the consumer group actions.`
    : auth
    ? `Kafka rejected the credentials of user ${JSON.stringify(connection.sasl && 'username' in connection.sasl ? connection.sasl.username : null)} (${connection.sasl?.mechanism}): ${e.message}. Check --kafka-username, VPCFLOW_KAFKA_PASSWORD and --kafka-sasl-mechanism.`
    : `cannot reach Kafka at ${connection.brokers.join(',')} (--kafka-brokers): ${e.message}. Check the addresses, --kafka-tls and --kafka-ca-file.`;
  return new VpcflowError('VPCFLOW_SOURCE_CONNECT', message, { cause: error, retriable: !auth, context: { setting: 'kafkaBrokers' } });
}

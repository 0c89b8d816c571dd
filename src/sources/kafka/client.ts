/**
 * A kafkajs client from vpcflow's settings: brokers, TLS (with an optional CA file), SASL
 * (PLAIN, SCRAM-SHA-256/512), and kafkajs's log lines routed into vpcflow's logger.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { connect } from 'node:tls';
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

function readCa(connection: KafkaConnection): string | undefined {
  if (!connection.caFile) return undefined;
  try {
    return readFileSync(connection.caFile, 'utf8');
  } catch (cause) {
    throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `cannot read the Kafka CA file ${connection.caFile} (--kafka-ca-file): ${(cause as Error).message}`, { cause, context: { setting: 'kafkaCaFile', value: connection.caFile } });
  }
}

// MSK's IAM listener is TLS only.
const usesTls = (connection: KafkaConnection): boolean => connection.tls || connection.caFile !== null || connection.sasl?.mechanism === 'aws-msk-iam';

export function createKafka(connection: KafkaConnection, logger: Logger): Kafka {
  const ca = readCa(connection);
  const iam = connection.sasl?.mechanism === 'aws-msk-iam';
  const config: KafkaConfig = {
    clientId: connection.clientId,
    brokers: [...connection.brokers],
    ssl: ca ? { ca: [ca] } : usesTls(connection),
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

const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/**
 * A TLS handshake with the first broker, as kafkajs will make it: a certificate it cannot trust
 * fails start-up at once, instead of after kafkajs's retries (which are for brokers that are
 * down). Anything else is left to kafkajs.
 */
export async function checkBrokerCertificate(connection: KafkaConnection): Promise<void> {
  if (!usesTls(connection)) return;
  const broker = connection.brokers[0]!;
  const at = broker.lastIndexOf(':');
  const host = broker.slice(0, at).replace(/^\[|\]$/g, '');
  const ca = readCa(connection);
  const problem = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const socket = connect({ host, port: Number(broker.slice(at + 1)), ...(isIP(host) ? {} : { servername: host }), ...(ca ? { ca } : {}), timeout: 5000 }, () => {
      socket.end();
      resolve(null);
    });
    socket.on('error', resolve);
    socket.on('timeout', () => {
      socket.destroy();
      resolve(null);
    });
  });
  if (problem && CERTIFICATE_ERROR.test(problem.code ?? '')) {
    throw new VpcflowError('VPCFLOW_SOURCE_CONNECT', `the TLS certificate of Kafka broker ${broker} is not trusted: ${problem.message}. Pass the CA that signed it with --kafka-ca-file, or check --kafka-brokers.`, {
      cause: problem,
      retriable: false,
      context: { setting: 'kafkaCaFile', value: connection.caFile },
    });
  }
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

/**
 * A kafkajs client from vpcflow's settings: brokers, TLS (with an optional CA file), SASL
 * (PLAIN, SCRAM-SHA-256/512), and kafkajs's log lines routed into vpcflow's logger.
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { VpcflowError } from '../../errors.js';
import { mskIamSasl, mskRegion } from './msk-iam.js';
import { askApiVersions, brokerAddress, tlsHandshake, type BrokerAddress } from './probe.js';
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

/** Each step of the preflight gives up after this long, like kafkajs's connection timeout. */
const PROBE_TIMEOUT_MS = 5000;

/** Why TLS is on, in the user's terms (the CLI sets `tls` for a CA file too). */
function tlsReason(connection: KafkaConnection): string {
  if (connection.caFile !== null) return '--kafka-ca-file implies TLS';
  if (connection.sasl?.mechanism === 'aws-msk-iam') return '--kafka-sasl-mechanism aws-msk-iam implies TLS';
  return '--kafka-tls, VPCFLOW_KAFKA_TLS';
}

/** Whether a plaintext ApiVersions request is answered in TLS. */
async function plaintextGetsTls(address: BrokerAddress, clientId: string): Promise<boolean | 'unreachable'> {
  const answer = await askApiVersions(address, clientId, PROBE_TIMEOUT_MS);
  if (answer === 'unreachable') return 'unreachable';
  if (answer === 'tls') return true;
  if (answer !== 'closed') return false;
  // A close without a response is also what a broker going down does: only a handshake proves TLS.
  const { outcome } = await tlsHandshake(address, undefined, PROBE_TIMEOUT_MS);
  return outcome === 'tls' || outcome === 'untrusted';
}

/**
 * Checks, before kafkajs connects, that the first broker that accepts a connection speaks what
 * the settings say: TLS with a trusted certificate when TLS is on, plaintext Kafka when it is
 * off. A mismatch fails start-up at once with what to change, instead of after kafkajs's
 * retries (which are for brokers that are down). Only clear evidence fails: a broker that is
 * refused, silent or says something else is left to kafkajs, so an outage behaves as before.
 */
export async function checkBrokerTls(connection: KafkaConnection): Promise<void> {
  const tls = usesTls(connection);
  const ca = tls ? readCa(connection) : undefined;
  for (const broker of connection.brokers) {
    const address = brokerAddress(broker);
    if (!tls) {
      const speaksTls = await plaintextGetsTls(address, connection.clientId);
      if (speaksTls === 'unreachable') continue;
      if (speaksTls) {
        throw new VpcflowError('VPCFLOW_SOURCE_CONNECT', `Kafka broker ${broker} speaks TLS, but TLS is off. Turn it on with --kafka-tls (VPCFLOW_KAFKA_TLS=true), with --kafka-ca-file if a private CA signed the broker's certificate; or point --kafka-brokers at the plaintext listener (on Amazon MSK, 9092; 9094, 9096 and 9098 are TLS).`, {
          retriable: false,
          context: { setting: 'kafkaTls', value: false, broker },
        });
      }
      return;
    }
    const handshake = await tlsHandshake(address, ca, PROBE_TIMEOUT_MS);
    if (handshake.outcome === 'unreachable') continue;
    if (handshake.outcome === 'untrusted') {
      throw new VpcflowError('VPCFLOW_SOURCE_CONNECT', `the TLS certificate of Kafka broker ${broker} is not trusted: ${handshake.error.message}. Pass the CA that signed it with --kafka-ca-file, or check --kafka-brokers.`, {
        cause: handshake.error,
        retriable: false,
        context: { setting: 'kafkaCaFile', value: connection.caFile, broker },
      });
    }
    if (handshake.outcome === 'failed' && (await askApiVersions(address, connection.clientId, PROBE_TIMEOUT_MS)) === 'kafka') {
      // IAM has no plaintext listener to turn TLS off for.
      const orOff = connection.sasl?.mechanism === 'aws-msk-iam' ? '' : ', or turn TLS off (no --kafka-tls or --kafka-ca-file, VPCFLOW_KAFKA_TLS=false) if the cluster has no TLS listener';
      throw new VpcflowError('VPCFLOW_SOURCE_CONNECT', `Kafka broker ${broker} speaks plaintext Kafka, not TLS, but TLS is on (${tlsReason(connection)}). Point --kafka-brokers at the broker's TLS listener (on Amazon MSK, 9094; 9096 with SASL/SCRAM, 9098 with IAM)${orOff}.`, {
        cause: handshake.error,
        retriable: false,
        context: { setting: 'kafkaTls', value: true, broker },
      });
    }
    return;
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

/**
 * The Kinesis client, how the stream is named in requests, and what a failed call means: retry
 * soon (throttled, a network blip, an expired iterator) or stop with a message the user can act on.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { VpcflowError } from '../../errors.js';

/** The calls the source makes; each is also the IAM action it needs (kinesis:<call>). */
export type KinesisCall = 'DescribeStreamSummary' | 'ListShards' | 'GetShardIterator' | 'GetRecords';

export const REQUIRED_ACTIONS: readonly KinesisCall[] = ['DescribeStreamSummary', 'ListShards', 'GetShardIterator', 'GetRecords'];

export interface StreamRef {
  /** The name as given, or the name part of the ARN (for file names and logs). */
  name: string;
  /** Request parameters naming the stream. */
  params: { StreamName: string } | { StreamARN: string };
}

export function streamRef(stream: string): StreamRef {
  if (stream.startsWith('arn:')) return { name: stream.slice(stream.lastIndexOf('/') + 1), params: { StreamARN: stream } };
  return { name: stream, params: { StreamName: stream } };
}

export function createKinesisClient(region: string, endpoint: string | null): KinesisClient {
  return new KinesisClient({
    region,
    ...(endpoint === null ? {} : { endpoint }),
    // The Kinesis client defaults to HTTP/2, which only SubscribeToShard needs; polling works on
    // HTTP/1.1 everywhere, including the emulators (kinesis-local fails on HTTP/2).
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
  });
}

export type Failure =
  | { kind: 'stopped' }
  | { kind: 'expired_iterator' }
  /** Over a shard's or the account's limits: back off exponentially. */
  | { kind: 'throttled' }
  /** The network or the service failing, or the stream being updated: retry, and stop being ready meanwhile. */
  | { kind: 'transient'; message: string }
  | { kind: 'fatal'; error: VpcflowError };

export interface FailureContext {
  stream: string;
  region: string;
  endpoint: string | null;
  signal: AbortSignal;
}

const THROTTLED = new Set(['ProvisionedThroughputExceededException', 'LimitExceededException', 'KMSThrottlingException', 'ThrottlingException']);
const CREDENTIALS = new Set(['CredentialsProviderError', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'IncompleteSignatureException']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

export function classifyFailure(error: unknown, call: KinesisCall, context: FailureContext): Failure {
  if (context.signal.aborted) return { kind: 'stopped' };
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? '';
  const message = e.message ?? String(error);
  const where = `${context.region}${context.endpoint === null ? '' : ` at ${context.endpoint}`}`;
  const fatal = (text: string, setting?: string, value?: string): Failure => ({
    kind: 'fatal',
    error: new VpcflowError('VPCFLOW_SOURCE_CONNECT', text, { cause: error, context: { call, ...(setting === undefined ? {} : { setting, value }) } }),
  });
  if (name === 'ExpiredIteratorException') return { kind: 'expired_iterator' };
  if (THROTTLED.has(name)) return { kind: 'throttled' };
  if (name === 'ResourceNotFoundException') {
    return fatal(
      `Kinesis stream ${JSON.stringify(context.stream)} (--kinesis-stream) was not found in ${where} (${call}: ${message}); check the name or ARN, the region (--kinesis-region) and the account of the credentials`,
      'kinesisStream',
      context.stream,
    );
  }
  if (name === 'AccessDeniedException') {
    return fatal(
      `the AWS credentials may not call kinesis:${call} on stream ${JSON.stringify(context.stream)} (${message}); grant kinesis:${call} — the Kinesis source needs ${REQUIRED_ACTIONS.map((a) => `kinesis:${a}`).join(', ')} on the stream`,
    );
  }
  if (name.startsWith('KMS')) {
    return fatal(`stream ${JSON.stringify(context.stream)} is encrypted and its KMS key cannot be used (${name}: ${message}); grant kms:Decrypt on the stream's key`);
  }
  if (CREDENTIALS.has(name)) {
    return fatal(`no valid AWS credentials for Kinesis in ${where} (${name}: ${message}); they come from the SDK's default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web identity or the instance role`);
  }
  const status = e.$metadata?.httpStatusCode;
  if (e.$fault === 'server' || name === 'ResourceInUseException' || (status !== undefined && status >= 500) || name === 'TimeoutError' || NETWORK_CODES.has(e.code ?? '')) {
    return { kind: 'transient', message: `${call} failed in ${where}: ${name || e.code}: ${message}` };
  }
  if (name === 'InvalidArgumentException' || name === 'ValidationException') {
    return fatal(`Kinesis rejected ${call} for stream ${JSON.stringify(context.stream)}: ${message}`, 'kinesisStream', context.stream);
  }
  // Any other client-side error (an unknown one included) would fail the same way again.
  return fatal(`${call} failed for Kinesis stream ${JSON.stringify(context.stream)} in ${where}: ${name}: ${message}`);
}

/**
 * Amazon MSK IAM: no MSK cluster runs here, so this checks what can be checked offline: the
 * region found from MSK broker names, and the token kafkajs sends, decoded, is an AWS SigV4
 * presigned kafka-cluster:Connect request for that region signed with the default chain's key.
 */
import { createHash, createHmac } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { mskIamSasl, mskRegion, mskRegionOf } from '../../../src/sources/kafka/msk-iam.js';
import { runCli } from '../../helpers/cli.js';

const KEY_ID = 'AKIAVPCFLOWTEST00001';
const SECRET = 'vpcflow-test-secret-key/with+chars';

beforeAll(() => {
  // The signer reads the default credential chain: the environment comes first.
  process.env.AWS_ACCESS_KEY_ID = KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});

const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const encode = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The SigV4 signature of a presigned GET, computed from AWS's published algorithm: the query
 * without the signature (and without User-Agent, which the signer adds after signing), sorted;
 * the payload is an empty body's hash.
 */
function presignedSignature(url: URL): string {
  const params = [...url.searchParams].filter(([k]) => k !== 'X-Amz-Signature' && k !== 'User-Agent');
  const query = params.map(([k, v]) => `${encode(k)}=${encode(v)}`).sort().join('&');
  const canonical = ['GET', '/', query, `host:${url.host}`, '', 'host', sha256('')].join('\n');
  const time = url.searchParams.get('X-Amz-Date')!;
  const scope = url.searchParams.get('X-Amz-Credential')!.split('/').slice(1).join('/');
  const toSign = ['AWS4-HMAC-SHA256', time, scope, sha256(canonical)].join('\n');
  const [date, region, service] = scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, date!), region!), service!), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('MSK IAM authentication', () => {
  it('finds the region in MSK broker host names, else takes AWS_REGION, else says what to set', () => {
    expect(mskRegionOf(['b-1.flows.abc123.c2.kafka.eu-west-1.amazonaws.com:9098'])).toBe('eu-west-1');
    expect(mskRegionOf(['boot-xyz.c1.kafka-serverless.ap-southeast-2.amazonaws.com:9098'])).toBe('ap-southeast-2');
    expect(mskRegionOf(['b-2.x.y.c3.kafka.us-gov-west-1.amazonaws.com:9098'])).toBe('us-gov-west-1');
    expect(mskRegionOf(['127.0.0.1:9092'])).toBeNull();
    expect(mskRegion(['kafka.internal:9098'], { AWS_REGION: 'us-east-2' })).toBe('us-east-2');
    expect(() => mskRegion(['kafka.internal:9098'], {})).toThrow(/aws-msk-iam needs the cluster's AWS region.*set AWS_REGION/);
  });

  it('gives kafkajs an OAUTHBEARER token that is a SigV4-presigned kafka-cluster:Connect URL', async () => {
    const sasl = mskIamSasl('eu-west-1');
    expect(sasl.mechanism).toBe('oauthbearer');
    const { value } = await (sasl as { oauthBearerProvider: () => Promise<{ value: string }> }).oauthBearerProvider();
    const url = new URL(Buffer.from(value, 'base64url').toString('utf8'));
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    const query = url.searchParams;
    expect(query.get('Action')).toBe('kafka-cluster:Connect');
    expect(query.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    const [keyId, , region, service, terminator] = query.get('X-Amz-Credential')!.split('/');
    expect([keyId, region, service, terminator]).toEqual([KEY_ID, 'eu-west-1', 'kafka-cluster', 'aws4_request']);
    expect(Number(query.get('X-Amz-Expires'))).toBeGreaterThan(0);
    expect(query.get('X-Amz-Signature')).toBe(presignedSignature(url));
  });

  it('reaches a broker over TLS with OAUTHBEARER, and a broker without it gives an actionable error at once', async () => {
    const sasl = inject('infra').kafka.saslSsl!;
    const begun = Date.now();
    const result = await runCli(
      ['run', '--source', 'kafka', '--kafka-brokers', sasl.brokers.join(','), '--kafka-topic', 'any', '--kafka-sasl-mechanism', 'aws-msk-iam', '--kafka-ca-file', sasl.caFile, '--listen', 'none'],
      { env: { AWS_REGION: 'eu-west-1' }, timeoutMs: 30_000 },
    );
    expect(result.code).not.toBe(0);
    expect(Date.now() - begun).toBeLessThan(20_000);
    // Our test broker offers SCRAM only: the handshake got as far as choosing the mechanism.
    expect(result.stderr).toMatch(/Kafka rejected the AWS IAM authentication \(aws-msk-iam\): The broker does not support the requested SASL mechanism/);
    expect(result.stderr).toMatch(/AWS_REGION.*kafka-cluster:Connect/);
  });
});

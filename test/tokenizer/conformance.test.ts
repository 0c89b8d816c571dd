import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createTokenizer, parseFormat, type FieldValue, type Tokenizer } from '../../src/index.js';
import { conformanceCases, disputedCases, sample } from '../helpers/conformance.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

async function tokenizeLine(format: string, line: string): Promise<{ ok: Record<string, FieldValue>[]; errors: string[] }> {
  const tokenizer = await createTokenizer({ format });
  const batch = tokenizer.tokenize(encode(line));
  return { ok: batch.toObjects(), errors: batch.errors().map((e) => e.reason) };
}

const plain = (value: FieldValue): unknown => (typeof value === 'bigint' ? Number(value) : value);

describe('conformance corpus (cases.jsonl)', () => {
  it.each(conformanceCases().map((c) => [c.id, c] as const))('%s', async (_id, testCase) => {
    const { ok, errors } = await tokenizeLine(testCase.format, testCase.line);
    if (testCase.expect.error) {
      expect(ok).toEqual([]);
      expect(errors).toHaveLength(1);
      return;
    }
    expect(errors).toEqual([]);
    expect(ok).toHaveLength(1);
    for (const [field, value] of Object.entries(testCase.expect)) {
      expect(plain(ok[0]![field] ?? null), field).toEqual(value);
    }
  });
});

describe('disputed cases: our decisions', () => {
  const disputed = disputedCases();
  const run = (id: string) => tokenizeLine(disputed.get(id)!.format, disputed.get(id)!.line);

  it('disputed-1: runs of spaces are one separator, as the AWS docs example needs', async () => {
    const { ok } = await run('disputed-1');
    expect(ok[0]).toMatchObject({ srcport: 5001, dstport: 43638, 'pkt-srcaddr': '10.0.0.62', 'tcp-flags': 19, 'log-status': 'OK' });
  });
  it('disputed-2: an extra trailing value is too_many_fields (a format mismatch must not pass silently)', async () => {
    expect((await run('disputed-2')).errors).toEqual(['too_many_fields']);
  });
  it('disputed-3: an unknown field name is carried as an opaque string', async () => {
    const { ok } = await run('disputed-3');
    expect(ok[0]).toMatchObject({ 'tcp-flags': 0, 'pkt-dstaddr': '172.31.88.3', 'unknown-header-should-not-break': 'extra-data-should-not-break' });
  });
  it('disputed-4: account-id "unknown" stays the string AWS wrote', async () => {
    expect((await run('disputed-4')).ok[0]!['account-id']).toBe('unknown');
  });
  it('disputed-5: millisecond start/end are kept as written (the window stage judges units)', async () => {
    expect((await run('disputed-5')).ok[0]).toMatchObject({ start: 1512564058000, end: 1512564059000 });
  });
  it('disputed-6: account-id keeps its leading zero', async () => {
    expect((await run('disputed-6')).ok[0]!['account-id']).toBe('063605715280');
  });
  it('disputed-7: an 11-digit account id is accepted as text', async () => {
    expect((await run('disputed-7')).ok[0]).toMatchObject({ 'account-id': '12345678910', 'log-status': 'NODATA' });
  });
});

async function allRecords(tokenizer: Tokenizer, bytes: Uint8Array): Promise<{ records: Record<string, FieldValue>[]; errors: string[]; headers: number }> {
  const records: Record<string, FieldValue>[] = [];
  const errors: string[] = [];
  let headers = 0;
  for (const batch of tokenizer.batches(bytes)) {
    records.push(...batch.toObjects());
    errors.push(...batch.errors().map((e) => `${e.line}:${e.reason}`));
    headers += batch.headerLines;
  }
  return { records, errors, headers };
}

describe('conformance samples', () => {
  it('the 360-line capture gives the totals its README states', async () => {
    const { records, errors } = await allRecords(await createTokenizer(), sample('cloudfwd-cwl-lambdaprocessed-default-360.log'));
    expect(errors).toEqual([]);
    expect(records).toHaveLength(360);
    const count = (action: string, protocol?: number) => records.filter((r) => r.action === action && (protocol === undefined || r.protocol === protocol)).length;
    expect([count('ACCEPT'), count('ACCEPT', 6), count('ACCEPT', 17), count('REJECT'), count('REJECT', 6), count('REJECT', 17)]).toEqual([350, 340, 10, 10, 8, 2]);
    const sum = (field: string, action?: string) => records.filter((r) => action === undefined || r.action === action).reduce((total, r) => total + Number(r[field]), 0);
    expect([sum('bytes', 'ACCEPT'), sum('bytes', 'REJECT'), sum('bytes'), sum('packets')]).toEqual([600108, 528, 600636, 2797]);
    expect(Math.min(...records.map((r) => Number(r.start)))).toBe(1506905612);
    expect(Math.max(...records.map((r) => Number(r.end)))).toBe(1506906212);
  });

  it('an S3 object with an alphabetical header, then a bogus line', async () => {
    const tokenizer = await createTokenizer();
    const { records, errors, headers } = await allRecords(tokenizer, sample('flowlogs-reader-v5-s3.log'));
    expect(headers).toBe(1);
    expect(tokenizer.format.names[0]).toBe('account-id');
    expect(records.map((r) => [r.srcaddr, r['pkt-src-aws-service'], r['traffic-path']])).toEqual([
      ['198.51.100.7', 'S3', null],
      ['192.0.2.156', null, 7],
    ]);
    expect(errors).toEqual(['4:too_few_fields']);
  });

  it('repeated headers and a blank line between records', async () => {
    const repeated = await allRecords(await createTokenizer(), sample('elastic-tcp-flag-sequence-repeated-headers.log'));
    expect(repeated.records.map((r) => r['tcp-flags'])).toHaveLength(3);
    expect(repeated.headers).toBe(3);
    const blank = await allRecords(await createTokenizer(), sample('beats-tcp-flag-sequence-skip-data-blank-line.log'));
    expect(blank.records.map((r) => r['log-status'])).toEqual(['SKIPDATA', 'NODATA']);
    expect(blank.errors).toEqual([]);
  });

  it('headers without a trailing newline (ECS and transit gateway files)', async () => {
    const ecs = await allRecords(await createTokenizer(), sample('otel-s3-ecs-fields.log'));
    expect(ecs.records).toHaveLength(1);
    expect(ecs.records[0]!['ecs-cluster-name']).toBe('my-cluster');
    const tgw = await allRecords(await createTokenizer(), sample('otel-s3-tgw.log'));
    expect(tgw.records[0]).toMatchObject({ version: 6, 'tgw-id': 'tgw-0abc12345def67890', 'packets-lost-ttl-expired': 4 });
  });

  it('the 10-record capture without a trailing newline', async () => {
    const { records } = await allRecords(await createTokenizer(), sample('cloudfwd-vpc-flow-log-10.log'));
    expect(records).toHaveLength(10);
    expect(records.every((r) => r['account-id'] === '063605715280')).toBe(true);
  });

  it('CloudWatch Logs envelopes, default and custom format', async () => {
    const batch = (await createTokenizer()).tokenizeCloudWatchEnvelope(sample('otel-cwl-subscription-default.json'));
    expect(batch.envelope).toEqual({ status: 'ok', messageType: 'DATA_MESSAGE', owner: '123456789010', logGroup: '/aws/vpc/flowlogs', logStream: 'eni-1235b8ca123456789' });
    expect(batch.toObjects().map((r) => r.action)).toEqual(['ACCEPT', 'REJECT']);
    const custom = (await createTokenizer({ format: parseFormat('${version} ${interface-id} ${srcaddr} ${dstaddr}') })).tokenizeCloudWatchEnvelope(sample('otel-cwl-subscription-custom-format.json'));
    expect(custom.toObjects()).toEqual([
      { version: 2, 'interface-id': 'eni-1235b8ca123456789', srcaddr: '172.31.16.139', dstaddr: '172.31.16.21' },
      { version: 2, 'interface-id': 'eni-1235b8ca123456789', srcaddr: '172.31.9.69', dstaddr: '172.31.9.12' },
    ]);
  });

  it('a gzip control message yields no records; a Lambda event wraps a gzip envelope', async () => {
    const control = gunzipSync(Buffer.from(sample('openobserve-firehose-control-message.gz.b64').toString(), 'base64'));
    const batch = (await createTokenizer()).tokenizeCloudWatchEnvelope(control);
    expect(batch.envelope?.messageType).toBe('CONTROL_MESSAGE');
    expect(batch.length).toBe(0);
    const lambda = JSON.parse(sample('aws-lambda-cwl-event-gzip-base64.json').toString()) as { awslogs: { data: string } };
    const inner = (await createTokenizer()).tokenizeCloudWatchEnvelope(gunzipSync(Buffer.from(lambda.awslogs.data, 'base64')));
    expect(inner.envelope?.status).toBe('ok');
    // Its two events are application logs, not flow logs: counted as bad records, never dropped.
    expect(inner.errors().map((e) => e.reason)).toEqual(['too_few_fields', 'too_few_fields']);
  });

  it('JSON records with a message field (Firehose style)', async () => {
    const tokenizer = await createTokenizer();
    expect(tokenizer.tokenizeCloudWatchEnvelope(sample('elastic-with-message-field.log')).toObjects()[0]!['log-status']).toBe('NODATA');
    const record = Buffer.from(sample('openobserve-firehose-vpcflow-record.b64').toString(), 'base64');
    expect(tokenizer.tokenizeCloudWatchEnvelope(record).toObjects()[0]).toMatchObject({ 'account-id': '058694856476', bytes: 42926 });
  });
});

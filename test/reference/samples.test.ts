/**
 * The raw sample files of the conformance corpus: header handling in S3-style text files, the
 * totals of a real 360-record capture, and CloudWatch Logs envelopes (plain and gzip+base64).
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT, parseFormat } from '../../src/format/format.js';
import { parseCloudWatchReference, parseTextReference, type ReferenceRecord } from '../../src/reference/index.js';
import { sample } from '../helpers/conformance.js';

const statuses = (records: readonly ReferenceRecord[]): string[] => records.map((r) => r.status);
const lines = (records: readonly ReferenceRecord[]): number[] => records.map((r) => r.line);

describe('text samples', () => {
  it('flowlogs-reader-v5-s3.log: an alphabetical header sets the format; "bogus line" is an error record', () => {
    const bytes = sample('flowlogs-reader-v5-s3.log');
    const result = parseTextReference(bytes, DEFAULT_FORMAT);
    expect(result.headerLines).toBe(1);
    expect(result.format.names[0]).toBe('account-id');
    expect(result.format.names).toHaveLength(29);
    expect(statuses(result.records)).toEqual(['ok', 'ok', 'too_few_fields']);
    expect(lines(result.records)).toEqual([1, 2, 3]);
    const bogus = result.records[2]!;
    expect(bogus).toMatchObject({ fieldIndex: 2, values: null });
    expect(bogus.offset).toBe(bytes.lastIndexOf('bogus line'));
    expect(result.records[0]!.values).toMatchObject({
      'account-id': '999999999999',
      version: 5,
      'flow-direction': 'ingress',
      'pkt-src-aws-service': 'S3',
      'pkt-dst-aws-service': null,
      'traffic-path': null,
      'sublocation-type': null,
      'tcp-flags': 19,
    });
    expect(result.records[1]!.values).toMatchObject({ 'flow-direction': 'egress', 'traffic-path': 7, 'tcp-flags': 7 });
  });

  it('elastic-tcp-flag-sequence-repeated-headers.log: a header repeated before each record', () => {
    const result = parseTextReference(sample('elastic-tcp-flag-sequence-repeated-headers.log'), DEFAULT_FORMAT);
    expect(result.headerLines).toBe(3);
    expect(statuses(result.records)).toEqual(['ok', 'ok', 'ok']);
    expect(lines(result.records)).toEqual([1, 3, 5]);
    expect(result.records.map((r) => r.values?.['log-status'])).toEqual(['OK', 'SKIPDATA', 'NODATA']);
    expect(result.records[0]!.values).toMatchObject({ version: 3, 'tcp-flags': 2, type: 'IPv4', bytes: 568, packets: 8 });
  });

  it('beats-tcp-flag-sequence-skip-data-blank-line.log: a blank line between header-record pairs', () => {
    const result = parseTextReference(sample('beats-tcp-flag-sequence-skip-data-blank-line.log'), DEFAULT_FORMAT);
    expect(result).toMatchObject({ headerLines: 2, blankLines: 1 });
    expect(statuses(result.records)).toEqual(['ok', 'ok']);
    expect(lines(result.records)).toEqual([1, 4]);
    expect(result.records[1]!.values).toMatchObject({ action: null, 'tcp-flags': null, 'log-status': 'NODATA' });
  });

  it('otel-s3-ecs-fields.log: a header and one record with ECS fields, no trailing newline', () => {
    const bytes = sample('otel-s3-ecs-fields.log');
    expect(bytes.at(-1)).not.toBe(0x0a);
    const result = parseTextReference(bytes, DEFAULT_FORMAT);
    expect(result.headerLines).toBe(1);
    expect(statuses(result.records)).toEqual(['ok']);
    expect(result.records[0]!.values).toMatchObject({
      version: 5,
      'ecs-cluster-name': 'my-cluster',
      'ecs-second-container-id': 'container-2',
      'ecs-task-definition-arn': 'arn:aws:ecs:us-east-1:123456789012:task-definition/my-task:1',
      'ecs-task-id': 'abcdef1234567890',
    });
  });

  it('otel-s3-tgw.log: a transit-gateway record, IDs as strings and packets-lost counters as numbers', () => {
    const result = parseTextReference(sample('otel-s3-tgw.log'), DEFAULT_FORMAT);
    expect(statuses(result.records)).toEqual(['ok']);
    expect(result.records[0]!.values).toMatchObject({
      version: 6,
      'tgw-id': 'tgw-0abc12345def67890',
      'tgw-src-az-id': 'use1-az1',
      'packets-lost-no-route': 1,
      'packets-lost-blackhole': 2,
      'packets-lost-mtu-exceeded': 3,
      'packets-lost-ttl-expired': 4,
      'flow-direction': 'ingress',
      region: 'us-east-1',
    });
  });

  it('cloudfwd-vpc-flow-log-10.log: ten default-format records without header or trailing newline', () => {
    const result = parseTextReference(sample('cloudfwd-vpc-flow-log-10.log'), DEFAULT_FORMAT);
    expect(result).toMatchObject({ headerLines: 0, blankLines: 0 });
    expect(statuses(result.records)).toEqual(new Array(10).fill('ok'));
    expect(result.records.every((r) => r.values?.['account-id'] === '063605715280')).toBe(true);
  });

  it('cloudfwd-cwl-lambdaprocessed-default-360.log: totals match the corpus README', () => {
    const result = parseTextReference(sample('cloudfwd-cwl-lambdaprocessed-default-360.log'), DEFAULT_FORMAT);
    expect(result.records).toHaveLength(360);
    expect(result.records.every((r) => r.status === 'ok')).toBe(true);
    const values = result.records.map((r) => r.values!);
    const count = (action: string, protocol?: number): number =>
      values.filter((v) => v.action === action && (protocol === undefined || v.protocol === protocol)).length;
    const sum = (name: string, action?: string): number =>
      values.filter((v) => action === undefined || v.action === action).reduce((total, v) => total + Number(v[name]), 0);
    expect([count('ACCEPT'), count('ACCEPT', 6), count('ACCEPT', 17)]).toEqual([350, 340, 10]);
    expect([count('REJECT'), count('REJECT', 6), count('REJECT', 17)]).toEqual([10, 8, 2]);
    expect([sum('bytes', 'ACCEPT'), sum('bytes', 'REJECT'), sum('bytes')]).toEqual([600108, 528, 600636]);
    expect(sum('packets')).toBe(2797);
    expect(Math.min(...values.map((v) => Number(v.start)))).toBe(1506905612);
    expect(Math.max(...values.map((v) => Number(v.end)))).toBe(1506906212);
  });

  it('elastic-with-message-field.log: a Firehose {"message"} line is not flow-log text until unwrapped', () => {
    const bytes = sample('elastic-with-message-field.log');
    expect(parseTextReference(bytes, DEFAULT_FORMAT).records).toMatchObject([{ status: 'bad_number', fieldIndex: 0 }]);
    expect(parseCloudWatchReference(bytes, DEFAULT_FORMAT)).toMatchObject({ status: 'no_events', records: [] });
  });
});

describe('CloudWatch Logs samples', () => {
  it('otel-cwl-subscription-default.json: two default-format events', () => {
    const envelope = parseCloudWatchReference(sample('otel-cwl-subscription-default.json'), DEFAULT_FORMAT);
    expect(envelope).toMatchObject({
      status: 'ok',
      messageType: 'DATA_MESSAGE',
      owner: '123456789010',
      logGroup: '/aws/vpc/flowlogs',
      logStream: 'eni-1235b8ca123456789',
      headerLines: 0,
      blankLines: 0,
    });
    expect(envelope.records.map((r) => [r.line, r.offset, r.status])).toEqual([
      [0, -1, 'ok'],
      [1, -1, 'ok'],
    ]);
    expect(envelope.records.map((r) => r.values?.action)).toEqual(['ACCEPT', 'REJECT']);
    expect(envelope.records[0]!.values).toMatchObject({ srcaddr: '172.31.16.139', srcport: 20641, bytes: 4249, start: 1418530010 });
  });

  it('otel-cwl-subscription-custom-format.json: events in a four-field custom format', () => {
    const format = parseFormat('${version} ${interface-id} ${srcaddr} ${dstaddr}');
    const envelope = parseCloudWatchReference(sample('otel-cwl-subscription-custom-format.json'), format);
    expect(envelope).toMatchObject({ status: 'ok', owner: '123456789012', logStream: 'eni-1234567890abcdef' });
    expect(envelope.records.map((r) => r.values)).toEqual([
      { version: 2, 'interface-id': 'eni-1235b8ca123456789', srcaddr: '172.31.16.139', dstaddr: '172.31.16.21' },
      { version: 2, 'interface-id': 'eni-1235b8ca123456789', srcaddr: '172.31.9.69', dstaddr: '172.31.9.12' },
    ]);
  });

  it('openobserve-firehose-control-message.gz.b64: a CONTROL_MESSAGE yields no records', () => {
    const json = gunzipSync(Buffer.from(sample('openobserve-firehose-control-message.gz.b64').toString('ascii'), 'base64'));
    const envelope = parseCloudWatchReference(json, DEFAULT_FORMAT);
    expect(envelope).toMatchObject({ status: 'ok', messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', records: [] });
  });

  it('openobserve-firehose-vpcflow-record.b64: a Firehose {"message"} record is not an envelope', () => {
    const json = Buffer.from(sample('openobserve-firehose-vpcflow-record.b64').toString('ascii'), 'base64');
    expect(parseCloudWatchReference(json, DEFAULT_FORMAT)).toMatchObject({ status: 'no_events', messageType: null, records: [] });
  });

  it('aws-lambda-cwl-event-gzip-base64.json: events that are not flow logs are error records', () => {
    const event = JSON.parse(sample('aws-lambda-cwl-event-gzip-base64.json').toString('utf8')) as { awslogs: { data: string } };
    const envelope = parseCloudWatchReference(gunzipSync(Buffer.from(event.awslogs.data, 'base64')), DEFAULT_FORMAT);
    expect(envelope).toMatchObject({ status: 'ok', messageType: 'DATA_MESSAGE', logGroup: 'testLogGroup' });
    expect(envelope.records.map((r) => [r.line, r.status, r.fieldIndex])).toEqual([
      [0, 'too_few_fields', 4],
      [1, 'too_few_fields', 4],
    ]);
  });
});

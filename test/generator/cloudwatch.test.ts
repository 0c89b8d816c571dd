import { describe, expect, it } from 'vitest';
import { V5_29_FORMAT, cloudWatchEnvelope, controlMessageEnvelope, createFlowGenerator, gunzipText, gzipText, renderLine } from '../../src/generator/index.js';

interface Envelope {
  messageType: string;
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

const generator = createFlowGenerator({ seed: 5 });
const records = Array.from({ length: 500 }, () => generator.next());

describe('cloudWatchEnvelope', () => {
  it('is a DATA_MESSAGE with one event per record', () => {
    const envelope = JSON.parse(cloudWatchEnvelope(records, V5_29_FORMAT)) as Envelope;
    expect(envelope.messageType).toBe('DATA_MESSAGE');
    expect(envelope.owner).toBe(records[0]!['account-id']);
    expect(envelope.logGroup).toBe('/aws/vpc/flowlogs');
    expect(envelope.logStream).toBe(`${records[0]!['interface-id']}-all`);
    expect(envelope.logEvents.map((e) => e.message)).toEqual(records.map((r) => renderLine(r, V5_29_FORMAT)));
    expect(envelope.logEvents.map((e) => e.timestamp)).toEqual(records.map((r) => (r.start as number) * 1000));
    expect(envelope.logEvents.every((e) => /^\d{56}$/.test(e.id))).toBe(true);
    expect(new Set(envelope.logEvents.map((e) => e.id)).size).toBe(records.length);
  });

  it('takes the caller’s metadata and continues event ids', () => {
    const envelope = JSON.parse(cloudWatchEnvelope(records.slice(0, 2), V5_29_FORMAT, { owner: '012345678901', logGroup: 'g', logStream: 's', subscriptionFilters: ['f'], firstEventId: 10 })) as Envelope;
    expect([envelope.owner, envelope.logGroup, envelope.logStream, envelope.subscriptionFilters]).toEqual(['012345678901', 'g', 's', ['f']]);
    expect(envelope.logEvents[1]!.id.endsWith('11')).toBe(true);
    expect((JSON.parse(cloudWatchEnvelope([], V5_29_FORMAT)) as Envelope).logEvents).toEqual([]);
  });

  it('round-trips through gzip, as subscriptions deliver it', () => {
    const text = cloudWatchEnvelope(records, V5_29_FORMAT);
    const compressed = gzipText(text);
    expect(compressed[0]).toBe(0x1f);
    expect(compressed[1]).toBe(0x8b);
    expect(gunzipText(compressed)).toBe(text);
  });
});

describe('controlMessageEnvelope', () => {
  it('is the CONTROL_MESSAGE health check', () => {
    const envelope = JSON.parse(controlMessageEnvelope(1_680_683_189_085)) as Envelope;
    expect(envelope.messageType).toBe('CONTROL_MESSAGE');
    expect(envelope.owner).toBe('CloudwatchLogs');
    expect(envelope.logEvents).toEqual([{ id: '', timestamp: 1_680_683_189_085, message: 'CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.' }]);
  });
});

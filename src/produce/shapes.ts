/**
 * Payload shapes a producer writes, as flow logs arrive in the wild: text lines, CloudWatch Logs
 * subscription envelopes (gzip JSON, what a subscription filter puts on Kinesis), JSON records
 * ({"message": ...} lines, as Firehose and shippers write), and KPL aggregated records.
 */
import type { Format } from '../format/format.js';
import { cloudWatchEnvelope, gzipText, renderLine, type FlowRecord } from '../generator/index.js';
import { aggregate } from './kpl.js';

export const SHAPES = ['text', 'cwl', 'json', 'kpl'] as const;
export type Shape = (typeof SHAPES)[number];

let envelopes = 0;

export function payloadOf(shape: Shape, records: readonly FlowRecord[], format: Format): Buffer {
  switch (shape) {
    case 'text':
      return Buffer.from(`${records.map((r) => renderLine(r, format)).join('\n')}\n`);
    case 'cwl':
      return gzipText(cloudWatchEnvelope(records, format, { firstEventId: (envelopes++) * 100_000 }));
    case 'json':
      return Buffer.from(`${records.map((r) => JSON.stringify({ message: renderLine(r, format) })).join('\n')}\n`);
    case 'kpl':
      return aggregate(
        records.map((r) => Buffer.from(renderLine(r, format))),
        String(records[0]?.['interface-id'] ?? 'vpcflow'),
      );
  }
}

/**
 * CloudWatch Logs subscription payloads, as a subscription filter delivers flow logs to Kinesis,
 * Firehose or Lambda (before the gzip that always wraps them; see gzipText).
 *
 * A real DATA_MESSAGE carries one log stream, and a flow log's stream is `<eni-id>-all`, so callers
 * who want realistic payloads group records by interface. Each event's message is the record's
 * line and its timestamp the record's start in milliseconds, as AWS writes it.
 */
import type { Format } from '../format/format.js';
import type { FlowRecord } from './generator.js';
import { renderLine } from './render.js';

export interface EnvelopeMeta {
  /** Account that owns the log group. Default: the first record's account-id. */
  owner?: string;
  /** Default `/aws/vpc/flowlogs`. */
  logGroup?: string;
  /** Default: the first record's interface-id followed by `-all`. */
  logStream?: string;
  /** Default `['vpcflow']`. */
  subscriptionFilters?: readonly string[];
  /** Sequence number of the first event, so that consecutive envelopes have distinct ids. Default 0. */
  firstEventId?: number;
}

/** CloudWatch event ids are 56-digit decimal strings that grow with time: the timestamp, then a sequence number. */
function eventId(timestampMs: number, sequence: number): string {
  return `${String(timestampMs).padStart(13, '0')}${String(sequence).padStart(43, '0')}`;
}

function timestampMs(record: FlowRecord): number {
  return typeof record.start === 'number' ? record.start * 1000 : 0;
}

/** A DATA_MESSAGE with one log event per record, as JSON text. */
export function cloudWatchEnvelope(records: readonly FlowRecord[], format: Format, meta: EnvelopeMeta = {}): string {
  const first = records[0];
  const owner = meta.owner ?? (typeof first?.['account-id'] === 'string' ? first['account-id'] : '123456789012');
  const logStream = meta.logStream ?? (typeof first?.['interface-id'] === 'string' ? `${first['interface-id']}-all` : 'vpcflow');
  const firstEventId = meta.firstEventId ?? 0;
  const events = records.map((record, i) => {
    const timestamp = timestampMs(record);
    return `{"id":"${eventId(timestamp, firstEventId + i)}","timestamp":${timestamp},"message":${JSON.stringify(renderLine(record, format))}}`;
  });
  const head = JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner,
    logGroup: meta.logGroup ?? '/aws/vpc/flowlogs',
    logStream,
    subscriptionFilters: meta.subscriptionFilters ?? ['vpcflow'],
  });
  return `${head.slice(0, -1)},"logEvents":[${events.join(',')}]}`;
}

/** The health check CloudWatch Logs sends to a new destination; consumers must skip it. */
export function controlMessageEnvelope(timestampMs: number = Date.now()): string {
  return JSON.stringify({
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [{ id: '', timestamp: timestampMs, message: 'CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.' }],
  });
}

/**
 * The columns of a RecordBatch the accumulate loop reads, as typed-array views (null when the
 * format lacks the field). Made once per batch, outside the hot function, which keeps that
 * function small to optimize.
 */
import type { RecordBatch } from '../tokenizer/index.js';

export interface Columns {
  status: Uint8Array;
  /** Event time (end, or start with --window-time start): u64 words, low first. */
  times: Uint32Array;
  timeValid: Uint8Array;
  /** Flow start, only when prorating. */
  startWords: Uint32Array | null;
  startValid: Uint8Array | null;
  actions: Uint8Array | null;
  statuses: Uint8Array | null;
  protocols: Uint32Array | null;
  protocolValid: Uint8Array | null;
  directions: Uint8Array | null;
  src: Uint32Array | null;
  srcFamily: Uint8Array | null;
  dst: Uint32Array | null;
  dstFamily: Uint8Array | null;
  srcService: Uint32Array | null;
  dstService: Uint32Array | null;
  /** Only when subnets with AZs are configured. */
  azIds: Uint32Array | null;
  packetWords: Uint32Array | null;
  packetValid: Uint8Array | null;
  byteWords: Uint32Array | null;
  byteValid: Uint8Array | null;
}

/** The columns of `batch`, or null when it has no `timeField`. */
export function readColumns(batch: RecordBatch, timeField: 'start' | 'end', prorating: boolean, zoned: boolean): Columns | null {
  if (!batch.has(timeField)) return null;
  const words = (name: string): Uint32Array | null => (batch.has(name) ? batch.words(name) : null);
  const column = <T extends Uint8Array | Uint32Array>(name: string): T | null => (batch.has(name) ? (batch.column(name) as T) : null);
  const validity = (name: string): Uint8Array | null => (batch.has(name) ? batch.validity(name) : null);
  return {
    status: batch.status,
    times: batch.words(timeField),
    timeValid: batch.validity(timeField),
    startWords: prorating ? words('start') : null,
    startValid: prorating ? validity('start') : null,
    actions: column('action'),
    statuses: column('log-status'),
    protocols: column('protocol'),
    protocolValid: validity('protocol'),
    directions: column('flow-direction'),
    src: words('srcaddr'),
    srcFamily: validity('srcaddr'),
    dst: words('dstaddr'),
    dstFamily: validity('dstaddr'),
    srcService: column('pkt-src-aws-service'),
    dstService: column('pkt-dst-aws-service'),
    azIds: zoned ? column('az-id') : null,
    packetWords: words('packets'),
    packetValid: validity('packets'),
    byteWords: words('bytes'),
    byteValid: validity('bytes'),
  };
}

/**
 * A payload's position in its shard: the Kinesis sequence number of its record, plus the index of
 * the user record for KPL aggregates (`<sequence>:<index>`), so positions within one Kinesis
 * record stay ordered and a checkpoint can fall inside an aggregate.
 */
export interface Position {
  sequenceNumber: string;
  /** Index of the user record in a KPL aggregate; null for a plain record. */
  subSequence: number | null;
}

export function formatPosition(sequenceNumber: string, subSequence: number | null): string {
  return subSequence === null ? sequenceNumber : `${sequenceNumber}:${subSequence}`;
}

export function parsePosition(text: string): Position {
  const colon = text.indexOf(':');
  if (colon < 0) return { sequenceNumber: text, subSequence: null };
  return { sequenceNumber: text.slice(0, colon), subSequence: Number(text.slice(colon + 1)) };
}

/** Orders positions of one shard (sequence numbers are decimal strings of up to 128 bits). */
export function comparePositions(a: string, b: string): number {
  const pa = parsePosition(a);
  const pb = parsePosition(b);
  const sa = BigInt(pa.sequenceNumber);
  const sb = BigInt(pb.sequenceNumber);
  if (sa !== sb) return sa < sb ? -1 : 1;
  // A plain record's position is the whole record: after any of its (impossible) sub-records.
  return (pa.subSequence ?? Infinity) - (pb.subSequence ?? Infinity) || 0;
}

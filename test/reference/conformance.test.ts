/**
 * The shared conformance corpus through the reference parser: every case in cases.jsonl, and our
 * documented decision on each case in disputed.jsonl.
 */
import { describe, expect, it } from 'vitest';
import { parseFormat } from '../../src/format/format.js';
import { parseTextReference, type FieldValue, type ReferenceRecord } from '../../src/reference/index.js';
import { conformanceCases, disputedCases } from '../helpers/conformance.js';

function parseOne(format: string, line: string): ReferenceRecord {
  const result = parseTextReference(new TextEncoder().encode(line), parseFormat(format));
  expect(result.records).toHaveLength(1);
  return result.records[0]!;
}

/** The corpus writes every integer as a JSON number; values above 2^53 would come back as bigint. */
const asJson = (value: FieldValue | undefined): unknown => (typeof value === 'bigint' ? Number(value) : value);

describe('cases.jsonl', () => {
  const cases = conformanceCases();

  it('holds the 110 cases the corpus README lists', () => {
    expect(cases).toHaveLength(110);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const record = parseOne(c.format, c.line);
    if (c.expect.error === true) {
      expect(record.status).not.toBe('ok');
      return;
    }
    expect(record.status).toBe('ok');
    for (const [name, value] of Object.entries(c.expect)) {
      expect(asJson(record.values?.[name]), name).toEqual(value);
    }
  });
});

describe('disputed.jsonl: our decisions', () => {
  const disputed = disputedCases();
  const parseDisputed = (id: string): ReferenceRecord => {
    const c = disputed.get(id);
    if (c === undefined) throw new Error(`${id} is missing from disputed.jsonl`);
    return parseOne(c.format, c.line);
  };

  it('disputed-1: a double space is one separator, as AWS documents runs of spaces', () => {
    const record = parseDisputed('disputed-1');
    expect(record.status).toBe('ok');
    expect(record.values).toMatchObject({ srcport: 5001, dstport: 43638, 'pkt-srcaddr': '10.0.0.62', 'tcp-flags': 19, 'log-status': 'OK' });
  });

  it('disputed-2: an extra trailing value is too_many_fields', () => {
    expect(parseDisputed('disputed-2')).toMatchObject({ status: 'too_many_fields', fieldIndex: 14, values: null });
  });

  it('disputed-3: an unknown field name is parsed, its value carried as an opaque string', () => {
    const record = parseDisputed('disputed-3');
    expect(record.status).toBe('ok');
    expect(record.values).toMatchObject({ 'tcp-flags': 0, 'pkt-dstaddr': '172.31.88.3', 'unknown-header-should-not-break': 'extra-data-should-not-break' });
  });

  it('disputed-4: account-id "unknown" stays the string', () => {
    expect(parseDisputed('disputed-4').values?.['account-id']).toBe('unknown');
  });

  it('disputed-5: millisecond start/end are kept as written (units are the window stage\'s business)', () => {
    expect(parseDisputed('disputed-5').values).toMatchObject({ start: 1512564058000, end: 1512564059000 });
  });

  it('disputed-6: account-id is a string and keeps its leading zero', () => {
    expect(parseDisputed('disputed-6').values?.['account-id']).toBe('063605715280');
  });

  it('disputed-7: an 11-digit account id is accepted as the string', () => {
    const record = parseDisputed('disputed-7');
    expect(record.status).toBe('ok');
    expect(record.values).toMatchObject({ 'account-id': '12345678910', 'log-status': 'NODATA' });
  });

  it('covers every disputed case', () => {
    expect([...disputed.keys()].sort()).toEqual(['disputed-1', 'disputed-2', 'disputed-3', 'disputed-4', 'disputed-5', 'disputed-6', 'disputed-7']);
  });
});

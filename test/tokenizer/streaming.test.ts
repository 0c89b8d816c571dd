import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenizer, STATUS_NAMES, type RecordBatch, type Tokenizer } from '../../src/index.js';
import { parseFormat } from '../../src/format/format.js';
import { parseTextReference } from '../../src/reference/index.js';
import { loadTokenizerModule } from '../../src/tokenizer/index.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const LINE = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';

interface Seen {
  records: unknown[];
  errors: string[];
}

function collect(batch: RecordBatch, seen: Seen): void {
  seen.records.push(...batch.toObjects());
  seen.errors.push(...batch.errors().map((e) => `${e.line}:${e.reason}:${e.field ?? ''}:${e.offset}`));
}

/** Feed `bytes` in the given chunk sizes, as a stream. */
function feed(tokenizer: Tokenizer, bytes: Uint8Array, cuts: number[]): Seen {
  const seen: Seen = { records: [], errors: [] };
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    for (const batch of tokenizer.batches(bytes.subarray(at, cut), { final: false })) collect(batch, seen);
    at = cut;
  }
  for (const batch of tokenizer.batches(bytes.subarray(at), { final: true })) collect(batch, seen);
  return seen;
}

describe('streaming', () => {
  it('any chunking of the input gives the same records, errors, lines and offsets', async () => {
    const lines = [LINE, '', LINE.replace('ACCEPT', 'REJECT'), 'bogus', `${LINE}\r`, 'version account-id', '2 acct', LINE];
    const bytes = encode(lines.join('\n'));
    const whole = feed(await createTokenizer({ maxRecords: 3, maxLineBytes: 200 }), bytes, []);
    // Three default-format records, then two-field ones after the header; 'bogus' and the last line fail.
    expect(whole.records).toHaveLength(4);
    expect(whole.errors.map((e) => e.split(':').slice(0, 2).join(':'))).toEqual(['4:too_few_fields', '8:too_many_fields']);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }), async (cuts) => {
        const tokenizer = await createTokenizer({ maxRecords: 3, maxLineBytes: 200 });
        expect(feed(tokenizer, bytes, cuts)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('a header that changes the format applies to the lines after it', async () => {
    const tokenizer = await createTokenizer();
    const input = encode(`${LINE}\nversion srcaddr\n2 10.0.0.1\n2 10.0.0.2\n`);
    const formats: number[] = [];
    const records: unknown[] = [];
    for (const batch of tokenizer.batches(input)) {
      formats.push(batch.format.names.length);
      records.push(...batch.toObjects());
    }
    expect(formats).toEqual([14, 2]);
    expect(records.slice(1)).toEqual([
      { version: 2, srcaddr: '10.0.0.1' },
      { version: 2, srcaddr: '10.0.0.2' },
    ]);
    tokenizer.reset('default');
    expect(() => tokenizer.tokenize(input)).toThrow(/more than one batch/);
  });

  it('more records than a batch holds arrive in several batches; tokenize() refuses them', async () => {
    const tokenizer = await createTokenizer({ maxRecords: 100 });
    const input = encode(`${Array.from({ length: 250 }, () => LINE).join('\n')}\n`);
    expect([...tokenizer.batches(input)].map((b) => b.length)).toEqual([100, 100, 50]);
    expect(() => tokenizer.tokenize(input)).toThrow(/more than one batch/);
  });

  it('a full dictionary cuts the batch and the rest follows in the next one, every value intact', async () => {
    const format = '${account-id} ${vpc-id} ${subnet-id} ${instance-id} ${az-id}';
    const tokenizer = await createTokenizer({ format, maxDictionary: 128 });
    const lines = Array.from({ length: 200 }, (_, i) => `${100000 + i} vpc-${i.toString(16)} subnet-x${i} i-zz${i} use1-az${i}`);
    const batches: { length: number; rows: unknown[] }[] = [];
    for (const b of tokenizer.batches(encode(`${lines.join('\n')}\n`))) batches.push({ length: b.length, rows: b.toObjects() });
    // Five distinct texts per row: at most 25 rows fit in 128 entries.
    expect(batches.length).toBeGreaterThanOrEqual(8);
    expect(batches.every((b) => b.length > 0 && b.length <= 25)).toBe(true);
    const reference = parseTextReference(encode(`${lines.join('\n')}\n`), parseFormat(format));
    expect(batches.flatMap((b) => b.rows)).toEqual(reference.records.map((r) => r.values));
  });

  it('refuses a dictionary too small to hold one row, instead of looping on empty batches', async () => {
    await expect(createTokenizer({ maxDictionary: 64 })).rejects.toThrow(/maxDictionary must be at least 128.*got 64/);
  });

  it('a batch cannot be read after the next call', async () => {
    const tokenizer = await createTokenizer();
    const first = tokenizer.tokenize(encode(LINE));
    tokenizer.tokenize(encode(LINE));
    expect(() => first.toObjects()).toThrow(/overwritten/);
  });

  it('lines longer than the limit are one error each, also when they span chunks', async () => {
    const tokenizer = await createTokenizer({ maxLineBytes: 1000 });
    const long = 'x'.repeat(5000);
    const bytes = encode(`${LINE}\n${long}\n${LINE}\n${long}`);
    const seen = feed(tokenizer, bytes, [10, 200, 700, 3000, 5300, 9000]);
    expect(seen.records).toHaveLength(2);
    expect(seen.errors.map((e) => e.split(':').slice(0, 2).join(':'))).toEqual(['2:line_too_long', '4:line_too_long']);
  });

  it('a line of a megabyte is reported, not a crash', async () => {
    const tokenizer = await createTokenizer();
    const huge = `${'9'.repeat(1 << 20)}\n${LINE}\n`;
    const seen = feed(tokenizer, encode(huge), [1000, 70_000, 500_000]);
    expect(seen.errors.map((e) => e.split(':')[1])).toEqual(['line_too_long']);
    expect(seen.records).toHaveLength(1);
  });

  it('the WASM status codes are the ones the TypeScript side names', async () => {
    const module = await loadTokenizerModule();
    const exports = new WebAssembly.Instance(module, {}).exports as { statusCount(): number };
    expect(exports.statusCount()).toBe(STATUS_NAMES.length);
    const tokenizer = await createTokenizer({ format: '${srcport} ${srcaddr} ${action}', maxLineBytes: 40 });
    const cases: [string, string][] = [
      ['1 1.2.3.4 ACCEPT', 'ok'],
      ['1 1.2.3.4', 'too_few_fields'],
      ['1 1.2.3.4 ACCEPT x', 'too_many_fields'],
      ['x 1.2.3.4 ACCEPT', 'bad_number'],
      ['70000 1.2.3.4 ACCEPT', 'number_out_of_range'],
      ['1 1.2.3 ACCEPT', 'bad_address'],
      ['1 1.2.3.4 accept', 'bad_enum'],
      [`1 1.2.3.4 ACCEPT ${'y'.repeat(40)}`, 'line_too_long'],
    ];
    for (const [line, name] of cases) {
      const batch = tokenizer.tokenize(encode(line));
      expect(STATUS_NAMES[batch.status[0]!], line).toBe(name);
    }
  });
});

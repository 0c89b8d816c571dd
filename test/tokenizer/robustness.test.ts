/**
 * The tokenizer never traps and never reads or writes out of bounds, whatever the bytes: random
 * input, mutated records, envelopes and JSON records, and JSON cut at any byte, in the release
 * build and in the build that keeps WASM bounds checks (asc --uncheckedBehavior never): 10^5
 * inputs per run, each as text and as JSON. Malformed JSON never yields a record.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenizer, type Tokenizer } from '../../src/index.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const LINES = [
  '2 123456789010 eni-1235b8ca123456789 172.31.16.139 2001:db8::1 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK',
  '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA',
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
];
const ENVELOPE = JSON.stringify({
  messageType: 'DATA_MESSAGE',
  owner: '123456789010',
  logGroup: 'g',
  logStream: 's',
  logEvents: LINES.map((message, i) => ({ id: String(i), timestamp: 1, message })),
});
const RECORDS = `[${LINES.map((message) => JSON.stringify({ message })).join(',')}]\n${JSON.stringify({ message: LINES.join('\n') })}`;

/** Mutate bytes: flip, insert, delete, duplicate ranges; seeded by fast-check. */
const mutated = (base: string) =>
  fc
    .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'insert', 'delete', 'dup')), { maxLength: 8 })
    .map((edits) => {
      const bytes = [...encode(base)];
      for (const [at, value, kind] of edits) {
        const i = bytes.length === 0 ? 0 : at % bytes.length;
        if (kind === 'flip') bytes[i] = value;
        else if (kind === 'insert') bytes.splice(i, 0, value);
        else if (kind === 'delete') bytes.splice(i, 1 + (value % 8));
        else bytes.splice(i, 0, ...bytes.slice(i, i + (value % 32)));
      }
      return Uint8Array.from(bytes);
    });

function exercise(tokenizer: Tokenizer, bytes: Uint8Array, final: boolean): number {
  let rows = 0;
  for (const batch of tokenizer.batches(bytes, { final })) {
    rows += batch.length;
    batch.toObjects();
    batch.errors();
  }
  let batches = 0;
  let jsonRows = 0;
  for (const batch of tokenizer.cloudWatchBatches(bytes)) {
    batches++;
    jsonRows += batch.length;
    batch.toObjects();
    // Nothing is taken from malformed JSON, and it is known before a first batch leaves.
    if (batch.envelope!.status === 'malformed') expect([batches, jsonRows]).toEqual([1, 0]);
  }
  return rows + jsonRows;
}

describe.each(['release', 'checked'] as const)('fuzz (%s build)', (flavour) => {
  const runs = flavour === 'release' ? 35_000 : 15_000;

  it('random bytes', async () => {
    const tokenizer = await createTokenizer({ flavour, maxRecords: 64, maxLineBytes: 256, maxDictionary: 256 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, final) => {
        exercise(tokenizer, bytes, final);
      }),
      { numRuns: runs },
    );
  });

  it('JSON cut at any byte', async () => {
    const tokenizer = await createTokenizer({ flavour, maxRecords: 1, maxLineBytes: 512, maxDictionary: 128 });
    fc.assert(
      fc.property(fc.constantFrom(ENVELOPE, RECORDS).chain((json) => fc.tuple(fc.constant(encode(json)), fc.nat(json.length))), ([json, at]) => {
        exercise(tokenizer, json.subarray(0, at), true);
      }),
      { numRuns: runs / 10 },
    );
  });

  it('mutated records, headers, envelopes and JSON records', async () => {
    const tokenizer = await createTokenizer({ flavour, maxRecords: 8, maxLineBytes: 512, maxDictionary: 128 });
    fc.assert(
      fc.property(fc.oneof(mutated(LINES.join('\n')), mutated(ENVELOPE), mutated(RECORDS), mutated(`${LINES[0]}\r\n${LINES[2]}\n\n${LINES[1]}`)), fc.boolean(), (bytes, final) => {
        exercise(tokenizer, bytes, final);
      }),
      { numRuns: runs },
    );
  });
});

describe('memory', () => {
  it('stays the same size across many batches and any input size', async () => {
    const tokenizer = await createTokenizer({ maxRecords: 1024 });
    const input = encode(`${Array.from({ length: 5000 }, (_, i) => LINES[i % 2]).join('\n')}\n`);
    exercise(tokenizer, input, true);
    const before = tokenizer.memoryBytes;
    for (let i = 0; i < 20; i++) exercise(tokenizer, input, true);
    const large = encode(`${LINES[0]}\n`.repeat(200_000));
    exercise(tokenizer, large, true);
    expect(tokenizer.memoryBytes).toBe(before);
    // An envelope must fit whole, so JSON grows the input area, up to maxInputBytes and no further.
    const bounded = await createTokenizer({ maxRecords: 1024, maxInputBytes: 8 << 20 });
    const json = encode(`[${'{"message":"x"},'.repeat(1_000_000)}{}]`);
    expect(() => [...bounded.cloudWatchBatches(json)]).toThrow(/exceeds maxInputBytes/);
    expect(bounded.memoryBytes).toBeLessThan(before + (8 << 20) * 2);
  });

  it('NUL bytes and invalid UTF-8 are text like any other, never a crash', async () => {
    const tokenizer = await createTokenizer({ format: '${account-id} ${interface-id}' });
    const batch = tokenizer.tokenize(Uint8Array.from([0x00, 0x41, 0x20, 0xff, 0xfe, 0x0a]));
    expect(batch.toObjects()).toEqual([{ 'account-id': '\u0000A', 'interface-id': '\ufffd\ufffd' }]);
  });
});

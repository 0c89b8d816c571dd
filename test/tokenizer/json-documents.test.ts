/**
 * A JSON payload (CloudWatch Logs envelopes, message records, arrays of them) yields records only
 * when it ends properly. Cut anywhere (an object, array or string left open) or followed by
 * anything but whitespace, it is malformed and yields one empty batch: no record is taken from
 * it, not even those read before the fault, however many batches they would have filled.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenizer, parseFormat, STATUS_NAMES, type Tokenizer } from '../../src/index.js';
import { parseCloudWatchReference } from '../../src/reference/index.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const LINE = '2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 49152 6 10 840 1600000000 1600000060 ACCEPT OK';
const REJECTED = '2 123456789012 eni-0a1b2c3d 10.0.0.3 10.0.0.2 22 49153 6 1 40 1600000000 1600000060 REJECT OK';
const record = (message: string): string => JSON.stringify({ message, timestamp: 1600000000000 });
const envelope = (messages: readonly string[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: 'vpc-flow',
    logStream: 'eni-0a1b2c3d-all',
    subscriptionFilters: ['all'],
    ...extra,
    logEvents: messages.map((message, i) => ({ id: String(i), timestamp: 1600000000000, message })),
  });

const eventsBeforeType = (messages: readonly string[]): string => {
  const { logEvents, ...rest } = JSON.parse(envelope(messages)) as Record<string, unknown>;
  return JSON.stringify({ logEvents, ...rest });
};

interface Read {
  batches: number;
  statuses: string[];
  rows: { line: number; status: string; values: unknown }[];
  envelope: { messageType: string | null; owner: string | null; logGroup: string | null; logStream: string | null };
}

/** Every batch of `json`: envelope status per batch, and each row with its event index and values. */
function read(tokenizer: Tokenizer, json: string | Uint8Array): Read {
  const out: Read = { batches: 0, statuses: [], rows: [], envelope: { messageType: null, owner: null, logGroup: null, logStream: null } };
  for (const batch of tokenizer.cloudWatchBatches(typeof json === 'string' ? encode(json) : json)) {
    out.batches++;
    const { status, ...info } = batch.envelope!;
    out.statuses.push(status);
    out.envelope = info;
    const objects = batch.toObjects();
    for (let row = 0, ok = 0; row < batch.length; row++) {
      const status = STATUS_NAMES[batch.status[row]!]!;
      out.rows.push({ line: batch.line(row), status, values: status === 'ok' ? objects[ok++] : null });
    }
  }
  return out;
}

const MALFORMED: Read = { batches: 1, statuses: ['malformed'], rows: [], envelope: { messageType: null, owner: null, logGroup: null, logStream: null } };

const CUT = [
  ['a message record cut after its message (no closing brace)', `{"message":"${LINE}","timestamp":16`],
  ['a message record without its closing brace', `{"message":"${LINE}"`],
  ['an array of records without its closing bracket', `[${record(LINE)},${record(LINE)}`],
  ['an array of records cut after a comma', `[${record(LINE)},`],
  ['an array cut inside its second record', `[${record(LINE)},{"message":"${LINE}`],
  ['an envelope cut in logEvents after two whole events', envelope([LINE, LINE]).slice(0, envelope([LINE, LINE]).lastIndexOf(']'))],
  ['an envelope cut inside its second event', `${envelope([LINE]).slice(0, -2)},{"id":"2","timestamp":1,"message":"${LINE}`],
  ['an envelope without its closing brace', envelope([LINE, LINE]).slice(0, -1)],
  ['an envelope with logEvents before messageType, cut', `{"logEvents":[${record(LINE)}],"messageType":"DATA_MESSAGE"`],
  ['a second concatenated envelope cut in logEvents', `${envelope([LINE])}\n{"messageType":"DATA_MESSAGE","logEvents":[${record(LINE)}`],
  ['a record followed by a cut string', `${record(LINE)}\n"`],
] as const;

const TRAILING = [
  ['text after the record', `${record(LINE)}x`],
  ['a number after the record', `${record(LINE)} 1`],
  ['records separated by a comma outside an array', `${record(LINE)},${record(LINE)}`],
  ['a closing bracket with no array open', `${record(LINE)}]`],
  ['a stray closing bracket before the record', `]${record(LINE)}`],
  ['a trailing comma in the top-level array', `[${record(LINE)},]`],
  ['an array inside the top-level array', `[[${record(LINE)}]]`],
  ['text after an envelope', `${envelope([LINE])}\nnot json`],
] as const;

describe.each(['release', 'checked'] as const)('JSON documents (%s build)', (flavour) => {
  describe.each([16_384, 1])('maxRecords %i', (maxRecords) => {
    it.each([...CUT, ...TRAILING])('%s: malformed, one empty batch', async (_what, json) => {
      const tokenizer = await createTokenizer({ flavour, maxRecords });
      expect(read(tokenizer, json)).toEqual(MALFORMED);
    });

    it.each([
      ['a message record with more keys', `{"message":"${LINE}","timestamp":16}`, 1],
      ['records one per line, CRLF and trailing whitespace', `${record(LINE)}\r\n${record(REJECTED)}\r\n \t`, 2],
      ['records back to back', `${record(LINE)}${record(REJECTED)}`, 2],
      ['an array of records', `[ ${record(LINE)} , ${record(REJECTED)} ]\n`, 2],
      ['an empty array before an array of records', `[]\n[${record(LINE)}]`, 1],
      ['concatenated envelopes', `${envelope([LINE, REJECTED])}\n${envelope([LINE])}`, 3],
    ])('%s: ok, every record', async (_what, json, records) => {
      const tokenizer = await createTokenizer({ flavour, maxRecords });
      const result = read(tokenizer, json);
      expect(result.statuses.every((s) => s === 'ok')).toBe(true);
      expect(result.rows.map((r) => r.status)).toEqual(Array<string>(records).fill('ok'));
    });
  });

  it('a fault far past the first batch still leaves no record taken', async () => {
    const tokenizer = await createTokenizer({ flavour, maxRecords: 4 });
    const messages = Array.from({ length: 40 }, (_, i) => (i % 2 ? LINE : REJECTED));
    const whole = envelope(messages);
    const faults = [
      whole.slice(0, -60), // cut in the last event
      whole.replace('"id":"30","timestamp":1600000000000,"message"', '"id":"30","timestamp":1600000000000,"text"'), // an event without a message
      whole.replace(`"id":"35","timestamp":1600000000000,"message":"${LINE}"`, `"id":"35","timestamp":1600000000000,"message":"${LINE}\\x"`), // a bad escape
      `${whole}${envelope([LINE], { logGroup: 'BAD' }).replace('BAD', 'a\\qb')}`, // a bad escape in the next envelope's metadata
      `${whole}${envelope([LINE])}x`,
    ];
    for (const json of faults) expect(read(tokenizer, json)).toEqual(MALFORMED);
    // The same envelope whole: ten batches, every event in order, metadata as in one batch.
    const inBatches = read(tokenizer, whole);
    expect(inBatches.batches).toBe(10);
    expect(inBatches.rows.map((r) => r.line)).toEqual(messages.map((_, i) => i));
    expect(inBatches.envelope).toEqual({ messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: 'vpc-flow', logStream: 'eni-0a1b2c3d-all' });
    expect(inBatches.rows).toEqual(read(await createTokenizer({ flavour }), whole).rows);
  });

  it('an event split over two batches, then a cut: nothing taken', async () => {
    const tokenizer = await createTokenizer({ flavour, maxRecords: 3 });
    const json = envelope([`${LINE}\n${LINE}\n${LINE}\n${LINE}\n${LINE}`, LINE]);
    expect(read(tokenizer, json).rows).toHaveLength(6);
    expect(read(tokenizer, json.slice(0, -2))).toEqual(MALFORMED);
  });
});

const FORMAT = parseFormat('default');
const message = fc.constantFrom(LINE, REJECTED, `${LINE}\n${REJECTED}`, 'not a flow record', 'quote " backslash \\ tab \t', `${LINE}\u00e9`);
const separator = fc.constantFrom('', ' ', '\n', '\r\n', '\n\t ');

describe('cut anywhere', () => {
  it('CloudWatch Logs envelopes agree with the reference parser at every cut', async () => {
    const tokenizers = await Promise.all([1, 2, 5, 16_384].map((maxRecords) => createTokenizer({ maxRecords })));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(message, { maxLength: 5 }), fc.boolean(), separator), { minLength: 1, maxLength: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(3),
        (envelopes, at, which) => {
          // logEvents may come before messageType: the walk goes back to them once the envelope closes.
          const whole = envelopes.map(([messages, eventsFirst, sep]) => (eventsFirst ? eventsBeforeType(messages) : envelope(messages)) + sep).join('');
          const bytes = encode(whole).subarray(0, Math.floor(at * (encode(whole).length + 1)));
          const reference = parseCloudWatchReference(bytes, FORMAT);
          const wasm = read(tokenizers[which]!, bytes);
          if (reference.status === 'malformed') {
            expect(wasm).toEqual(MALFORMED);
          } else {
            expect(wasm.statuses.at(-1)).toBe(reference.status);
            expect(wasm.rows).toEqual(reference.records.map((r) => ({ line: r.line, status: r.status, values: r.values })));
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('records and arrays of records: whole values are read, a cut one spoils the document', async () => {
    const tokenizers = await Promise.all([1, 2, 16_384].map((maxRecords) => createTokenizer({ maxRecords })));
    // Top-level values (a record, or an array of records) with where each ends and its records.
    const value = fc.oneof(
      message.map((m) => ({ text: record(m), records: m.split('\n').length, objects: 1 })),
      fc.array(message, { maxLength: 3 }).map((ms) => ({ text: `[${ms.map(record).join(',')}]`, records: ms.reduce((n, m) => n + m.split('\n').length, 0), objects: ms.length })),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(value, separator), { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(2), (values, cutAt, which) => {
        let text = '';
        const ends: { at: number; records: number; objects: number }[] = [];
        for (const [v, sep] of values) {
          text += v.text;
          const before = ends.at(-1) ?? { records: 0, objects: 0 };
          ends.push({ at: text.length, records: before.records + v.records, objects: before.objects + v.objects });
          text += sep;
        }
        const cut = text.slice(0, cutAt % (text.length + 1));
        // Messages are ASCII but for 'é', which sits inside a string: whole values end at the same code unit.
        const whole = ends.find((e) => e.at === cut.trimEnd().length);
        const result = read(tokenizers[which]!, cut);
        if (whole === undefined || whole.objects === 0) {
          expect(result).toEqual(MALFORMED);
        } else {
          expect(result.statuses.every((s) => s === 'ok')).toBe(true);
          expect(result.rows).toHaveLength(whole.records);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

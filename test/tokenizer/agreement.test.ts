/**
 * The WASM tokenizer against the plain-TypeScript reference parser (src/reference, written
 * separately from the WASM code): random custom formats, valid and malformed records, headers,
 * blank lines, CRLF and odd spacing; and a round trip of typed values through text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELDS, createTokenizer, parseFormat, type FieldSpec, type Format } from '../../src/index.js';
import { parseTextReference } from '../../src/reference/index.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Canonical IPv6 text by the WHATWG URL serializer, independent of both parsers. */
const canonicalV6 = (groups: number[]): string => new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname.slice(1, -1);

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => ({ text: p.join('.'), value: p.join('.') }));
const ipv6 = fc.array(fc.oneof(fc.constant(0), fc.nat(0xffff)), { minLength: 8, maxLength: 8 }).map((groups) => {
  const value = canonicalV6(groups);
  return { text: value, value };
});
const tokenText = fc.stringMatching(/^[A-Za-z0-9:/._@+=-]{1,24}$/).filter((t) => t !== '-');

/** A valid token for a field and the value it must parse to. */
function validToken(spec: FieldSpec): fc.Arbitrary<{ text: string; value: string | number | bigint | null }> {
  const nulls = fc.constant({ text: '-', value: null });
  switch (spec.kind) {
    case 'u32':
      return fc.oneof(nulls, fc.integer({ min: 0, max: spec.max! }).map((n) => ({ text: String(n), value: n })));
    case 'u64':
      return fc.oneof(
        nulls,
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => ({ text: n.toString(), value: n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n })),
        fc.integer({ min: 0, max: 2 ** 32 }).map((n) => ({ text: String(n), value: n })),
      );
    case 'ip':
      return fc.oneof(nulls, ipv4, ipv6);
    case 'enum':
      return fc.oneof(nulls, fc.constantFrom(...spec.values!).map((v) => ({ text: v, value: v })));
    default:
      return fc.oneof(nulls, tokenText.map((t) => ({ text: t, value: t })));
  }
}

/** A token that may be anything: valid, malformed, or a near miss. */
const anyToken = fc.oneof(
  tokenText,
  fc.constantFrom('-', '+1', '01', '1.2.3', '256.1.1.1', '1::2::3', '::', 'accept', 'ACCEPT', '18446744073709551616', '99999999999999999999999', 'é', '\t', '0x10'),
  fc.stringMatching(/^[0-9.:a-f]{1,20}$/),
);

const formatArb = fc
  .tuple(fc.shuffledSubarray(FIELDS.map((f) => f.name), { minLength: 1, maxLength: 20 }), fc.array(fc.constantFrom('next-hop-type', 'instance-tag', 'zz-new-field'), { maxLength: 2 }))
  .map(([known, extra]) => parseFormat([...known, ...new Set(extra)]));

const separator = fc.constantFrom(' ', ' ', ' ', '  ', '   ');

function lineOf(tokens: string[], seps: string[], lead: string, trail: string, cr: boolean): string {
  return `${lead}${tokens.map((t, i) => (i === 0 ? t : `${seps[i % seps.length]}${t}`)).join('')}${trail}${cr ? '\r' : ''}`;
}

/** One line: a well-formed record, a damaged one, a header, a blank line, or noise. */
const lineArb = (format: Format) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.tuple(...format.fields.map(validToken)), fc.array(separator, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([tokens, seps, cr]) => lineOf(tokens.map((t) => t.text), seps, '', '', cr)) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.tuple(...format.fields.map(validToken)), fc.nat(format.fields.length), anyToken, fc.constantFrom('replace', 'drop', 'add'))
        .map(([tokens, at, token, how]) => {
          const texts = tokens.map((t) => t.text);
          if (how === 'replace') texts[at % texts.length] = token;
          else if (how === 'drop') texts.splice(at % texts.length, 1);
          else texts.splice(at, 0, token);
          return texts.join(' ');
        }),
    },
    { weight: 1, arbitrary: fc.shuffledSubarray(FIELDS.map((f) => f.name), { minLength: 1, maxLength: 6 }).map((names) => names.join(' ')) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\r', '  \r', 'version version', 'srcaddr bogus!', '\t') },
    { weight: 1, arbitrary: fc.array(anyToken, { maxLength: 6 }).map((t) => t.join(' ')) },
  );

describe('WASM tokenizer and reference parser agree', () => {
  it('on random formats and lines, valid and malformed', async () => {
    const tokenizer = await createTokenizer({ maxRecords: 7, maxLineBytes: 300 });
    await fc.assert(
      fc.asyncProperty(
        formatArb.chain((format) => fc.tuple(fc.constant(format), fc.array(lineArb(format), { minLength: 1, maxLength: 25 }), fc.boolean())),
        async ([format, lines, trailingNewline]) => {
          const bytes = encode(lines.join('\n') + (trailingNewline ? '\n' : ''));
          const reference = parseTextReference(bytes, format, { maxLineBytes: 300 });
          tokenizer.reset(format);
          const wasm: { line: number; status: string; fieldIndex: number; values: unknown }[] = [];
          let headerLines = 0;
          for (const batch of tokenizer.batches(bytes)) {
            headerLines += batch.headerLines;
            const objects = batch.toObjects();
            const errors = new Map(batch.errors().map((e) => [e.row, e]));
            for (let row = 0, ok = 0; row < batch.length; row++) {
              const error = errors.get(row);
              const fieldIndex = !error ? 0 : error.field !== null ? batch.format.names.indexOf(error.field) : error.reason === 'too_many_fields' ? batch.format.names.length : 0;
              wasm.push({ line: batch.line(row) - 1, status: error?.reason ?? 'ok', fieldIndex, values: error ? null : objects[ok++]! });
            }
          }
          expect(wasm).toEqual(reference.records.map((r) => ({ line: r.line, status: r.status, fieldIndex: r.fieldIndex, values: r.values })));
          expect(headerLines).toBe(reference.headerLines);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('round-trips typed values of every field kind through text', async () => {
    await fc.assert(
      fc.asyncProperty(
        formatArb.chain((format) => fc.tuple(fc.constant(format), fc.array(fc.tuple(...format.fields.map(validToken)), { minLength: 1, maxLength: 20 }))),
        async ([format, rows]) => {
          const tokenizer = await createTokenizer({ format });
          const batch = tokenizer.tokenize(encode(rows.map((tokens) => tokens.map((t) => t.text).join(' ')).join('\n')));
          expect(batch.errors()).toEqual([]);
          expect(batch.toObjects()).toEqual(rows.map((tokens) => Object.fromEntries(tokens.map((t, i) => [format.names[i]!, t.value]))));
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** The line rules of the reference text parser: splitting, CR, blanks, headers, lengths, error precedence. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT, parseFormat } from '../../src/format/format.js';
import { parseTextReference } from '../../src/reference/index.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const FORMAT = parseFormat('${srcport} ${action} ${srcaddr}');
const parse = (text: string, options?: { maxLineBytes?: number }) => parseTextReference(encode(text), FORMAT, options);

describe('lines', () => {
  it('numbers every line and gives the byte offset of its start', () => {
    const result = parse('1 ACCEPT 1.1.1.1\n\n2 REJECT 2.2.2.2\n');
    expect(result.records.map((r) => [r.line, r.offset, r.status])).toEqual([
      [0, 0, 'ok'],
      [2, 18, 'ok'],
    ]);
    expect(result.blankLines).toBe(1);
  });

  it('counts offsets in bytes, not characters', () => {
    const result = parseTextReference(encode('a é\n1 ACCEPT 1.1.1.1'), parseFormat('${region} ${az-id}'));
    expect(result.records.map((r) => [r.line, r.offset])).toEqual([
      [0, 0],
      [1, 5],
    ]);
  });

  it('takes a last line without LF, and an LF ending the input starts no further line', () => {
    expect(parse('1 ACCEPT 1.1.1.1').records).toHaveLength(1);
    expect(parse('1 ACCEPT 1.1.1.1\n')).toMatchObject({ blankLines: 0, records: [{ status: 'ok' }] });
    expect(parse('')).toMatchObject({ records: [], blankLines: 0, headerLines: 0 });
    expect(parse('\n')).toMatchObject({ records: [], blankLines: 1 });
  });

  it('drops one trailing CR (CRLF files)', () => {
    const result = parse('1 ACCEPT 1.1.1.1\r\n2 REJECT 2.2.2.2\r\n');
    expect(result.records.map((r) => r.values)).toEqual([
      { srcport: 1, action: 'ACCEPT', srcaddr: '1.1.1.1' },
      { srcport: 2, action: 'REJECT', srcaddr: '2.2.2.2' },
    ]);
  });

  it('drops only one CR: a second one belongs to the last token', () => {
    expect(parse('1 ACCEPT 1.1.1.1\r\r\n').records).toMatchObject([{ status: 'bad_address', fieldIndex: 2 }]);
  });

  it('a CR elsewhere is an ordinary byte', () => {
    expect(parse('1\r ACCEPT 1.1.1.1').records).toMatchObject([{ status: 'bad_number', fieldIndex: 0 }]);
  });

  it('counts empty, all-space and CR-only lines as blank, with no record', () => {
    const result = parse('\n   \n\r\n1 ACCEPT 1.1.1.1\n');
    expect(result.blankLines).toBe(3);
    expect(result.records.map((r) => r.line)).toEqual([3]);
  });

  it('a tab-only line is not blank: tabs are token bytes', () => {
    expect(parse('\t').records).toMatchObject([{ status: 'too_few_fields', fieldIndex: 1 }]);
  });
});

describe('tokens', () => {
  it('split on runs of spaces, ignoring leading and trailing spaces', () => {
    expect(parse('   1    ACCEPT  1.1.1.1   ').records).toMatchObject([{ status: 'ok', values: { srcport: 1 } }]);
  });

  it('do not split on tabs', () => {
    expect(parse('1\tACCEPT\t1.1.1.1').records).toMatchObject([{ status: 'too_few_fields', fieldIndex: 1 }]);
  });
});

describe('line_too_long', () => {
  it('applies to lines longer than maxLineBytes, counting a trailing CR', () => {
    const line = '1 ACCEPT 1.1.1.1'; // 16 bytes
    expect(parse(line, { maxLineBytes: 16 }).records).toMatchObject([{ status: 'ok' }]);
    expect(parse(`${line}\r`, { maxLineBytes: 16 }).records).toMatchObject([{ status: 'line_too_long', fieldIndex: 0, values: null }]);
    expect(parse(line, { maxLineBytes: 15 }).records).toMatchObject([{ line: 0, offset: 0, status: 'line_too_long' }]);
  });

  it('comes before every other rule, even for blank or header lines', () => {
    const result = parse('          \nsrcport action\n1 ACCEPT 1.1.1.1', { maxLineBytes: 8 });
    expect(result).toMatchObject({ blankLines: 0, headerLines: 0 });
    expect(result.records.map((r) => r.status)).toEqual(['line_too_long', 'line_too_long', 'line_too_long']);
  });

  it('defaults to 65536 bytes', () => {
    const token = 'x'.repeat(65536 - 2);
    const format = parseFormat('${region} ${az-id}');
    expect(parseTextReference(encode(`a ${token}`), format).records).toMatchObject([{ status: 'ok' }]);
    expect(parseTextReference(encode(`ab ${token}`), format).records).toMatchObject([{ status: 'line_too_long' }]);
  });
});

describe('error precedence', () => {
  it('too_few_fields: fieldIndex is the number of tokens, whatever the tokens hold', () => {
    expect(parse('x y').records).toMatchObject([{ status: 'too_few_fields', fieldIndex: 2, values: null }]);
  });

  it('too_many_fields: fieldIndex is the number of fields, whatever the tokens hold', () => {
    expect(parse('x y z w').records).toMatchObject([{ status: 'too_many_fields', fieldIndex: 3, values: null }]);
  });

  it('otherwise the first bad field in format order decides', () => {
    expect(parse('x nope 1.2.3').records).toMatchObject([{ status: 'bad_number', fieldIndex: 0 }]);
    expect(parse('70000 nope 1.2.3').records).toMatchObject([{ status: 'number_out_of_range', fieldIndex: 0 }]);
    expect(parse('7 nope 1.2.3').records).toMatchObject([{ status: 'bad_enum', fieldIndex: 1 }]);
    expect(parse('7 ACCEPT 1.2.3').records).toMatchObject([{ status: 'bad_address', fieldIndex: 2 }]);
  });

  it('follows the format order, not the catalog order', () => {
    const format = parseFormat('${srcaddr} ${srcport}');
    expect(parseTextReference(encode('1.2.3 x'), format).records).toMatchObject([{ status: 'bad_address', fieldIndex: 0 }]);
  });
});

describe('header lines', () => {
  it('replace the format for the lines after them and count as headers', () => {
    const result = parse('1 ACCEPT 1.1.1.1\naction srcport\nREJECT 22\n');
    expect(result.headerLines).toBe(1);
    expect(result.format.names).toEqual(['action', 'srcport']);
    expect(result.records.map((r) => [r.line, r.values])).toEqual([
      [0, { srcport: 1, action: 'ACCEPT', srcaddr: '1.1.1.1' }],
      [2, { action: 'REJECT', srcport: 22 }],
    ]);
  });

  it('recognise the `_` spellings of Athena and Parquet', () => {
    const result = parse('log_status account_id\nOK 000000000000');
    expect(result.format.names).toEqual(['log-status', 'account-id']);
    expect(result.records).toMatchObject([{ status: 'ok', values: { 'log-status': 'OK', 'account-id': '000000000000' } }]);
  });

  it('are decided by the first word only; later words may be unknown fields', () => {
    const result = parse('version some-new-field\n3 hello');
    expect(result.records).toMatchObject([{ status: 'ok', values: { version: 3, 'some-new-field': 'hello' } }]);
  });

  it('need an exact field name as the first word', () => {
    // "Version" (capital) and "version\t..." are not field names: these lines are records.
    expect(parse('Version x').headerLines).toBe(0);
    expect(parse('version\tx').headerLines).toBe(0);
    expect(parse('${version} ${action}').headerLines).toBe(0);
  });

  it('that are not a valid format are parsed as (bad) records, and leave the format as it was', () => {
    const result = parse('srcport srcport\n1 ACCEPT 1.1.1.1');
    expect(result.headerLines).toBe(0);
    expect(result.format).toBe(FORMAT);
    expect(result.records).toMatchObject([{ status: 'too_few_fields' }, { status: 'ok' }]);
  });

  it('leave the format given when there are none', () => {
    expect(parseTextReference(encode('2 ACCEPT'), DEFAULT_FORMAT).format).toBe(DEFAULT_FORMAT);
  });
});

describe('any bytes', () => {
  // Bytes drawn mostly from the ones the rules care about, so lines, headers and tokens all occur.
  const interesting = fc.constantFrom(0x0a, 0x0d, 0x20, 0x2d, 0x2e, 0x3a, 0x30, 0x31, 0x39, 0x61, 0x09, 0xff);
  const input = fc.array(fc.oneof(interesting, fc.integer({ min: 0, max: 255 })), { maxLength: 200 }).map((b) => Uint8Array.from(b));

  it('never throw, and every line is exactly one of blank, header or record', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 40 }), (bytes, maxLineBytes) => {
        const result = parseTextReference(bytes, FORMAT, { maxLineBytes });
        const lineCount = bytes.length === 0 ? 0 : bytes.filter((b) => b === 0x0a).length + (bytes.at(-1) === 0x0a ? 0 : 1);
        expect(result.records.length + result.headerLines + result.blankLines).toBe(lineCount);
        for (const record of result.records) expect(record.values === null).toBe(record.status !== 'ok');
      }),
    );
  });
});

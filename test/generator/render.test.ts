import { describe, expect, it } from 'vitest';
import { FIELDS } from '../../src/format/fields.js';
import { DEFAULT_FORMAT, parseFormat } from '../../src/format/format.js';
import { V5_29_FORMAT, createFlowGenerator, encodeLines, formatVersion, headerLine, renderLine, renderLines, type FlowRecord } from '../../src/generator/index.js';

const records = (() => {
  const generator = createFlowGenerator({ seed: 3 });
  return Array.from({ length: 20_000 }, () => generator.next());
})();

const ALL_FIELDS = parseFormat(FIELDS.map((f) => f.name));
const CUSTOM = parseFormat('${interface-id} ${srcaddr} ${a-future-field} ${bytes} ${tcp-flags} ${traffic-path}');

describe('renderLine', () => {
  it('writes exactly one token per field of any format', () => {
    expect(V5_29_FORMAT.names).toHaveLength(29);
    for (const format of [DEFAULT_FORMAT, V5_29_FORMAT, ALL_FIELDS, CUSTOM]) {
      const wrong = records.filter((r) => renderLine(r, format).split(' ').length !== format.names.length || /\s\s|^\s|\s$/.test(renderLine(r, format)));
      expect(wrong, format.spec).toEqual([]);
    }
  });

  it('writes values in format order, `-` for null and for fields the record lacks', () => {
    const record: FlowRecord = { version: 2, 'interface-id': 'eni-0123456789abcdef0', srcaddr: null, bytes: 1_234_567_890_123, 'tcp-flags': 0, 'traffic-path': 8 };
    expect(renderLine(record, CUSTOM)).toBe('eni-0123456789abcdef0 - - 1234567890123 0 8');
    const nodata = records.find((r) => r['log-status'] === 'NODATA')!;
    expect(renderLine(nodata, DEFAULT_FORMAT)).toMatch(/^5 \d{12} eni-[0-9a-f]{17} - - - - - - - \d+ \d+ - NODATA$/);
  });
});

describe('renderLines and encodeLines', () => {
  it('terminate each line with LF and can start with a header', () => {
    const text = renderLines(records.slice(0, 3), V5_29_FORMAT, { header: true });
    const lines = text.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(headerLine(V5_29_FORMAT));
    expect(lines.slice(1, 4)).toEqual(records.slice(0, 3).map((r) => renderLine(r, V5_29_FORMAT)));
    expect(lines[4]).toBe('');
    expect(renderLines([], DEFAULT_FORMAT)).toBe('');
  });

  it('encode the same bytes as the lines', () => {
    for (const format of [DEFAULT_FORMAT, V5_29_FORMAT, CUSTOM]) {
      const expected = records.map((r) => `${renderLine(r, format)}\n`).join('');
      expect(encodeLines(records, format).toString('latin1')).toBe(expected);
    }
  });

  it('grow past the first guess for long and non-ASCII values', () => {
    const long: FlowRecord = { version: 2, 'account-id': 'x'.repeat(10_000), 'interface-id': 'eni-é-ü', srcaddr: -1.5 };
    const text = encodeLines([records[0]!, long, records[1]!], DEFAULT_FORMAT).toString('utf8');
    expect(text.split('\n')).toEqual([renderLine(records[0]!, DEFAULT_FORMAT), renderLine(long, DEFAULT_FORMAT), renderLine(records[1]!, DEFAULT_FORMAT), '']);
  });
});

describe('formatVersion', () => {
  it('is 2 for the default format and the highest field version otherwise', () => {
    expect(formatVersion(DEFAULT_FORMAT)).toBe(2);
    expect(formatVersion(V5_29_FORMAT)).toBe(5);
    expect(formatVersion(parseFormat('${version} ${vpc-id} ${srcaddr}'))).toBe(3);
    expect(formatVersion(parseFormat('${srcaddr} ${a-future-field}'))).toBe(2);
  });
});

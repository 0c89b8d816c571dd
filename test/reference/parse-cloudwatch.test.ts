/** The envelope rules of the reference CloudWatch Logs parser. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFormat } from '../../src/format/format.js';
import { parseCloudWatchReference } from '../../src/reference/index.js';

const FORMAT = parseFormat('${srcport} ${action}');
const parse = (json: string, options?: { maxLineBytes?: number }) => parseCloudWatchReference(new TextEncoder().encode(json), FORMAT, options);
const envelope = (messages: readonly unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: 'g', logStream: 's', ...extra, logEvents: messages.map((message) => ({ id: 'x', timestamp: 0, message })) });

describe('envelopes', () => {
  it('give each record the index of its event and offset -1', () => {
    const result = parse(envelope(['1 ACCEPT', '2 REJECT']));
    expect(result).toMatchObject({ status: 'ok', messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: 'g', logStream: 's' });
    expect(result.records.map((r) => [r.line, r.offset, r.values])).toEqual([
      [0, -1, { srcport: 1, action: 'ACCEPT' }],
      [1, -1, { srcport: 2, action: 'REJECT' }],
    ]);
  });

  it('split a message into lines, all with the event index; blank lines are counted', () => {
    const result = parse(envelope(['1 ACCEPT\r\n\n2 REJECT\n', '3 ACCEPT']));
    expect(result.blankLines).toBe(1);
    expect(result.records.map((r) => [r.line, r.values?.srcport])).toEqual([
      [0, 1],
      [0, 2],
      [1, 3],
    ]);
  });

  it('skip and count header lines without changing the format', () => {
    const result = parse(envelope(['action srcport', '1 ACCEPT']));
    expect(result.headerLines).toBe(1);
    expect(result.format).toBe(FORMAT);
    expect(result.records).toMatchObject([{ line: 1, status: 'ok', values: { srcport: 1, action: 'ACCEPT' } }]);
  });

  it('apply maxLineBytes to each line of a message, in UTF-8 bytes', () => {
    const result = parse(envelope(['1 ACCEPT\n1 ACCEPTé']), { maxLineBytes: 9 });
    expect(result.records.map((r) => r.status)).toEqual(['ok', 'line_too_long']);
  });

  it('report error records like text does', () => {
    expect(parse(envelope(['1 ACCEPT extra', 'x ACCEPT'])).records.map((r) => [r.status, r.fieldIndex])).toEqual([
      ['too_many_fields', 2],
      ['bad_number', 0],
    ]);
  });

  it('with an empty logEvents array are ok with no records', () => {
    expect(parse(envelope([]))).toMatchObject({ status: 'ok', records: [] });
  });
});

describe('messageType and metadata', () => {
  it('CONTROL_MESSAGE yields no records', () => {
    expect(parse(envelope(['1 ACCEPT'], { messageType: 'CONTROL_MESSAGE' }))).toMatchObject({ status: 'ok', messageType: 'CONTROL_MESSAGE', records: [] });
  });

  it('any other messageType is "other" and still parsed; an absent one is null', () => {
    expect(parse(envelope(['1 ACCEPT'], { messageType: 'SOMETHING' }))).toMatchObject({ messageType: 'other', records: [{ status: 'ok' }] });
    const absent = parse(JSON.stringify({ logEvents: [{ message: '1 ACCEPT' }] }));
    expect(absent).toMatchObject({ status: 'ok', messageType: null, owner: null, logGroup: null, logStream: null, records: [{ status: 'ok' }] });
  });

  it('owner, logGroup and logStream are null unless strings', () => {
    expect(parse(envelope([], { owner: 123, logGroup: null }))).toMatchObject({ owner: null, logGroup: null, logStream: 's' });
  });
});

describe('concatenated envelopes (Firehose)', () => {
  it('are parsed in turn; event indexes run across them, control events included', () => {
    const control = envelope(['CWL CONTROL MESSAGE'], { messageType: 'CONTROL_MESSAGE' });
    const result = parse(`${envelope(['1 ACCEPT', '2 ACCEPT'])}\n${control} ${envelope(['3 REJECT'], { logStream: 'last' })}`);
    expect(result).toMatchObject({ status: 'ok', messageType: 'DATA_MESSAGE', logStream: 'last' });
    expect(result.records.map((r) => [r.line, r.values?.srcport])).toEqual([
      [0, 1],
      [1, 2],
      [3, 3],
    ]);
  });

  it('metadata comes from the last envelope', () => {
    const result = parse(envelope(['1 ACCEPT']) + envelope([], { messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs' }));
    expect(result).toMatchObject({ messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', records: [{ line: 0 }] });
  });

  it('braces and quotes inside strings do not end an envelope', () => {
    const result = parse(envelope(['1 ACCEPT'], { logGroup: '}{"\\"}' }) + envelope(['2 ACCEPT']));
    expect(result.records.map((r) => r.values?.srcport)).toEqual([1, 2]);
  });
});

describe('status', () => {
  it('no_events when an envelope has no logEvents array', () => {
    expect(parse('{"messageType":"DATA_MESSAGE","owner":"o"}')).toMatchObject({ status: 'no_events', owner: 'o', records: [] });
    expect(parse('{"logEvents":"nope"}')).toMatchObject({ status: 'no_events' });
  });

  it('no_events when one of several envelopes has none; the others still give records', () => {
    const result = parse(`${envelope(['1 ACCEPT'])}{"messageType":"DATA_MESSAGE"}`);
    expect(result).toMatchObject({ status: 'no_events', records: [{ status: 'ok' }] });
  });

  it.each([
    ['empty input', ''],
    ['whitespace only', ' \n'],
    ['not JSON', 'not json'],
    ['a JSON array', '[{"logEvents":[]}]'],
    ['a JSON string', '"text"'],
    ['an unterminated object', '{"logEvents":[{"message":"1 ACCEPT"}]'],
    ['invalid JSON inside braces', '{"logEvents":[}'],
    ['trailing garbage after an envelope', `${envelope(['1 ACCEPT'])}x`],
    ['a second envelope that is not JSON', `${envelope(['1 ACCEPT'])}{nope}`],
    ['an event that is not an object', '{"logEvents":["1 ACCEPT"]}'],
    ['an event without a message', '{"logEvents":[{"id":"1"}]}'],
    ['a message that is not a string', '{"logEvents":[{"message":42}]}'],
  ])('malformed, with no records, for %s', (_what, json) => {
    expect(parse(json)).toMatchObject({ status: 'malformed', records: [], headerLines: 0, blankLines: 0, messageType: null, owner: null });
  });

  it('malformed drops the records of good events before the bad one', () => {
    expect(parse('{"logEvents":[{"message":"1 ACCEPT"},{"message":null}]}')).toMatchObject({ status: 'malformed', records: [] });
  });

  it('control-message events are not checked', () => {
    expect(parse('{"messageType":"CONTROL_MESSAGE","logEvents":[42]}')).toMatchObject({ status: 'ok', records: [] });
  });
});

describe('any input', () => {
  it('never throws; a malformed envelope never has records', () => {
    const pieces = fc.constantFrom('{', '}', '"', '\\', '[', ']', ',', ':', ' ', '"logEvents"', '"message"', '"1 ACCEPT"', '"messageType"', '"CONTROL_MESSAGE"');
    const text = fc.oneof(fc.string(), fc.array(pieces, { maxLength: 40 }).map((p) => p.join('')), fc.json());
    fc.assert(
      fc.property(text, (json) => {
        const result = parse(json);
        if (result.status === 'malformed') expect(result.records).toEqual([]);
      }),
    );
  });
});

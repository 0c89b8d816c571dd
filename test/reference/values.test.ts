/** The value rules of the reference parser, one field kind at a time. */
import { describe, expect, it } from 'vitest';
import { fieldSpec } from '../../src/format/fields.js';
import { parseValue } from '../../src/reference/values.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const parse = (field: string, text: string): ReturnType<typeof parseValue> => parseValue(fieldSpec(field), bytes(text));
const ok = (value: unknown): unknown => ({ ok: true, value });
const error = (status: string): unknown => ({ ok: false, status });

describe('`-` is null for every kind', () => {
  it.each(['version', 'bytes', 'srcaddr', 'action', 'interface-id', 'account-id', 'not-a-known-field'])('%s', (field) => {
    expect(parse(field, '-')).toEqual(ok(null));
  });
});

describe('u32', () => {
  it.each([
    ['srcport', '0', 0],
    ['srcport', '65535', 65535],
    ['dstport', '00443', 443],
    ['protocol', '255', 255],
    ['tcp-flags', '255', 255],
    ['traffic-path', '8', 8],
    ['encryption-status', '255', 255],
    ['version', '4294967295', 4294967295],
  ])('%s %s -> %d', (field, text, value) => {
    expect(parse(field, text)).toEqual(ok(value));
  });

  it.each([
    ['srcport', '65536'],
    ['dstport', '99999'],
    ['protocol', '256'],
    ['tcp-flags', '256'],
    ['traffic-path', '256'],
    ['encryption-status', '256'],
    ['version', '4294967296'],
    ['srcport', '0000000000000000000000065536'],
  ])('%s %s is number_out_of_range', (field, text) => {
    expect(parse(field, text)).toEqual(error('number_out_of_range'));
  });

  it.each(['+1', '-1', '1.0', '1e3', '0x10', ' 1', '١', '--'])('%j is bad_number', (text) => {
    expect(parse('srcport', text)).toEqual(error('bad_number'));
  });

  it('an empty token is bad_number (tokens never are empty, but the rule is total)', () => {
    expect(parse('srcport', '')).toEqual(error('bad_number'));
  });
});

describe('u64', () => {
  it.each([
    ['0', 0],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['9007199254740992', 9007199254740992n],
    ['18446744073709551615', 18446744073709551615n],
    ['000000000000000000000000001', 1],
  ])('%s -> %s', (text, value) => {
    expect(parse('bytes', text)).toEqual(ok(value));
  });

  it.each(['18446744073709551616', '9999999999999999999999999'])('%s is number_out_of_range', (text) => {
    expect(parse('packets', text)).toEqual(error('number_out_of_range'));
  });

  it.each(['-5', '12a', '1,000', '1_000'])('%j is bad_number', (text) => {
    expect(parse('start', text)).toEqual(error('bad_number'));
  });
});

describe('ip', () => {
  it('returns canonical text', () => {
    expect(parse('pkt-srcaddr', '010.0.0.1')).toEqual(ok('10.0.0.1'));
    expect(parse('dstaddr', '2001:DB8::0:1')).toEqual(ok('2001:db8::1'));
  });

  it.each(['256.1.1.1', '1.2.3', 'localhost', '1:::2'])('%j is bad_address', (text) => {
    expect(parse('srcaddr', text)).toEqual(error('bad_address'));
  });

  it('a non-ASCII byte never passes for part of an address', () => {
    expect(parseValue(fieldSpec('srcaddr'), new Uint8Array([0x31, 0x2e, 0x32, 0x2e, 0x33, 0x2e, 0xb4]))).toEqual(error('bad_address'));
  });
});

describe('enum', () => {
  it.each([
    ['action', 'ACCEPT'],
    ['action', 'REJECT'],
    ['log-status', 'SKIPDATA'],
    ['type', 'EFA'],
    ['flow-direction', 'egress'],
    ['sublocation-type', 'outpost'],
  ])('%s %s', (field, text) => {
    expect(parse(field, text)).toEqual(ok(text));
  });

  it.each([
    ['action', 'accept'],
    ['action', 'ACCEPTED'],
    ['log-status', 'ok'],
    ['type', 'ipv4'],
    ['flow-direction', 'INGRESS'],
  ])('%s %s is bad_enum (case-sensitive)', (field, text) => {
    expect(parse(field, text)).toEqual(error('bad_enum'));
  });
});

describe('id and string', () => {
  it('keep the text as written, leading zeros included', () => {
    expect(parse('account-id', '000000000000')).toEqual(ok('000000000000'));
    expect(parse('interface-id', 'eni-1235b8ca123456789')).toEqual(ok('eni-1235b8ca123456789'));
    expect(parse('tgw-src-vpc-account-id', '00000002')).toEqual(ok('00000002'));
  });

  it('decode UTF-8, invalid bytes becoming U+FFFD', () => {
    expect(parse('ecs-service-name', 'café')).toEqual(ok('café'));
    expect(parseValue(fieldSpec('region'), new Uint8Array([0x61, 0xff, 0x62]))).toEqual(ok('a\ufffdb'));
  });

  it('a tab is an ordinary byte', () => {
    expect(parse('vpc-id', 'vpc-1\t2')).toEqual(ok('vpc-1\t2'));
  });
});

import { describe, expect, it } from 'vitest';
import { deaggregate, isKplAggregate } from '../../src/decode/kpl.js';
import { gzipText } from '../../src/generator/index.js';
import { kplAggregate } from '../helpers/kpl-writer.js';

const text = (s: string) => Buffer.from(s);
const asText = (records: Uint8Array[] | null) => records?.map((r) => Buffer.from(r).toString());

describe('KPL de-aggregation', () => {
  it('returns the user records in order', () => {
    const records = [text('2 123 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK\n'), text(''), text('second'), gzipText('third')];
    const out = deaggregate(kplAggregate(records));
    expect(out).toHaveLength(4);
    expect(out!.map((r) => Buffer.from(r))).toEqual(records.map((r) => Buffer.from(r)));
  });

  it('skips unknown fields of every wire type, groups included', () => {
    expect(asText(deaggregate(kplAggregate([text('a'), text('b')], { unknownFields: true })))).toEqual(['a', 'b']);
  });

  it('an aggregate of no records is an empty list', () => {
    expect(deaggregate(kplAggregate([]))).toEqual([]);
  });

  it('large records (multi-byte lengths)', () => {
    const big = Buffer.alloc(300_000, 0x61);
    expect(deaggregate(kplAggregate([big, text('x')]))!.map((r) => r.length)).toEqual([300_000, 1]);
  });

  it('a bad MD5 is not an aggregate: null, so the caller passes the bytes on raw', () => {
    const bytes = kplAggregate([text('a')], { badMd5: true });
    expect(isKplAggregate(bytes)).toBe(true);
    expect(deaggregate(bytes)).toBeNull();
  });

  it('bytes without the magic are not an aggregate', () => {
    expect(deaggregate(text('2 123 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK\n'))).toBeNull();
    expect(deaggregate(gzipText('{"messageType":"DATA_MESSAGE"}'))).toBeNull();
    expect(deaggregate(new Uint8Array(0))).toBeNull();
    expect(deaggregate(Uint8Array.from([0xf3, 0x89, 0x9a, 0xc2]))).toBeNull();
  });

  it('a protobuf that does not parse, even with a matching MD5, is null', async () => {
    const { createHash } = await import('node:crypto');
    for (const message of [Buffer.from([0x1a, 0x05, 0x1a]), Buffer.from([0x1a, 0x80]), Buffer.from([0x0e])]) {
      const bytes = Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), message, createHash('md5').update(message).digest()]);
      expect(deaggregate(bytes)).toBeNull();
    }
  });
});

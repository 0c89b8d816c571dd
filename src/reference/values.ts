/**
 * Reference parsing of one token into one field value, by the field's kind in the catalog.
 *
 * Tokens arrive as bytes. Checks run on a byte-for-byte view (`bytesAsText`: one char per byte),
 * so a non-ASCII byte can never pass for a digit, a dot or an enum word; only `id` and `string`
 * values are decoded as UTF-8.
 */
import type { FieldSpec } from '../format/fields.js';
import { parseIp } from './ip.js';

export type StatusName =
  | 'ok'
  | 'too_few_fields'
  | 'too_many_fields'
  | 'bad_number'
  | 'number_out_of_range'
  | 'bad_address'
  | 'bad_enum'
  | 'line_too_long';

export type FieldValue = string | number | bigint | null;

/** A parsed value, or the status that says why the token is not one. */
export type ValueResult = { ok: true; value: FieldValue } | { ok: false; status: StatusName };

const U64_MAX = 2n ** 64n - 1n;

const utf8 = new TextDecoder();

/** Each byte as the char with the same code (Node's true ISO-8859-1), so the text has exactly the token's bytes. */
export function bytesAsText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The value of `token` for `spec`, or the status of the first rule it breaks. */
export function parseValue(spec: FieldSpec, token: Uint8Array): ValueResult {
  const text = bytesAsText(token);
  // `-` means "no value" for every kind (NODATA/SKIPDATA records, fields that do not apply).
  if (text === '-') return { ok: true, value: null };
  switch (spec.kind) {
    case 'u32':
      return parseUnsigned(text, BigInt(spec.max ?? 0xffff_ffff), false);
    case 'u64':
      return parseUnsigned(text, U64_MAX, true);
    case 'ip': {
      const address = parseIp(text);
      return address === null ? { ok: false, status: 'bad_address' } : { ok: true, value: address };
    }
    case 'enum':
      return spec.values?.includes(text) ? { ok: true, value: text } : { ok: false, status: 'bad_enum' };
    case 'id':
    case 'string':
      return { ok: true, value: utf8.decode(token) };
  }
}

/**
 * ASCII digits only (leading zeros allowed, no sign, no point), at most `max`.
 * BigInt keeps the comparison exact however many digits there are.
 */
function parseUnsigned(text: string, max: bigint, wide: boolean): ValueResult {
  if (!/^[0-9]+$/.test(text)) return { ok: false, status: 'bad_number' };
  const value = BigInt(text);
  if (value > max) return { ok: false, status: 'number_out_of_range' };
  // u32 always fits a number; u64 stays a number while that is exact.
  if (!wide || value <= BigInt(Number.MAX_SAFE_INTEGER)) return { ok: true, value: Number(value) };
  return { ok: true, value };
}

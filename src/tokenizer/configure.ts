/**
 * Writing a Format into the WASM tokenizer's static tables (assembly/layout.ts): one kind, enum
 * index and maximum per field, the enum words, and the catalog's names for header detection.
 */
import { VpcflowError } from '../errors.js';
import { FIELDS, type FieldKind, type FieldSpec } from '../format/fields.js';
import type { Format } from '../format/format.js';
import type { TokenizerExports } from './wasm.js';

// assembly/layout.ts KIND_*
export const KIND_SKIP = 0;
export const KIND_U32 = 1;
export const KIND_U64 = 2;
export const KIND_IP = 3;
export const KIND_ENUM = 4;
export const KIND_TEXT = 5;

const WASM_KIND: Record<FieldKind, number> = {
  u32: KIND_U32,
  u64: KIND_U64,
  ip: KIND_IP,
  enum: KIND_ENUM,
  id: KIND_TEXT,
  string: KIND_TEXT,
};

const ENUM_ENTRY_BYTES = 24;
const MAX_ENUM_VALUES = 8;
const MAX_ENUMS = 8;
const NAME_ENTRY_BYTES = 32;
const U64_MAX = (1n << 64n) - 1n;

const encoder = new TextEncoder();

/** The WASM kind of each field of `format`; fields outside `columns` (when given) are skipped. */
export function wasmKinds(format: Format, columns?: ReadonlySet<string>): number[] {
  return format.fields.map((field) => (columns && !columns.has(field.name) ? KIND_SKIP : WASM_KIND[field.kind]));
}

/** Write per-field descriptors and enum tables for `format`. */
export function writeFormat(wasm: TokenizerExports, format: Format, kinds: readonly number[]): void {
  if (format.fields.length > wasm.maxFields()) {
    throw new VpcflowError('VPCFLOW_FORMAT_INVALID', `format has ${format.fields.length} fields; the tokenizer supports at most ${wasm.maxFields()}`);
  }
  const memory = wasm.memory.buffer;
  const kindTable = new Uint8Array(memory, wasm.fieldKindPtr(), format.fields.length);
  const enumIndex = new Uint8Array(memory, wasm.fieldEnumPtr(), format.fields.length);
  const maxTable = new BigUint64Array(memory, wasm.fieldMaxPtr(), format.fields.length);
  const enums: FieldSpec[] = [];
  format.fields.forEach((field, f) => {
    kindTable[f] = kinds[f]!;
    maxTable[f] = field.kind === 'u32' ? BigInt(field.max ?? 0xffff_ffff) : U64_MAX;
    if (field.kind === 'enum') {
      let index = enums.findIndex((e) => e.name === field.name);
      if (index < 0) index = enums.push(field) - 1;
      enumIndex[f] = index;
    }
  });
  if (enums.length > MAX_ENUMS) {
    throw new VpcflowError('VPCFLOW_FORMAT_INVALID', `format has ${enums.length} enumerated fields; the tokenizer supports ${MAX_ENUMS}`);
  }
  const counts = new Uint8Array(memory, wasm.enumCountPtr(), MAX_ENUMS);
  const table = new DataView(memory, wasm.enumTablePtr(), MAX_ENUMS * MAX_ENUM_VALUES * ENUM_ENTRY_BYTES);
  enums.forEach((spec, e) => {
    const values = spec.values ?? [];
    counts[e] = values.length;
    values.forEach((value, k) => {
      const text = encoder.encode(value);
      const at = (e * MAX_ENUM_VALUES + k) * ENUM_ENTRY_BYTES;
      table.setUint32(at, text.length, true);
      for (let i = 8; i < ENUM_ENTRY_BYTES; i++) table.setUint8(at + i, 0);
      text.forEach((byte, i) => table.setUint8(at + 8 + i, byte));
    });
  });
}

/** Write the catalog's field names, which mark header lines. Done once per instance. */
export function writeFieldNames(wasm: TokenizerExports): void {
  const memory = wasm.memory.buffer;
  const names = FIELDS.slice(0, wasm.maxNames());
  const table = new Uint8Array(memory, wasm.nameTablePtr(), names.length * NAME_ENTRY_BYTES);
  const filter = new Uint32Array(memory, wasm.nameFilterPtr(), 64);
  filter.fill(0);
  names.forEach((field, i) => {
    const text = encoder.encode(field.name);
    table[i * NAME_ENTRY_BYTES] = text.length;
    table.set(text, i * NAME_ENTRY_BYTES + 1);
    filter[text.length] = filter[text.length]! | (1 << (text[0]! - 0x61));
  });
  wasm.setNames(names.length);
}

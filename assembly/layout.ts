// Memory of one tokenizer instance. Static tables live in data segments; everything sized by the
// format and the batch limits is laid out above the heap base by `setup`, which grows memory only
// when a larger layout is asked for. Nothing is allocated per batch or per record.
//
//   static (memory.data)                      dynamic (from __heap_base, 64-byte aligned)
//   +-----------------------------+           +----------------------------------------------+
//   | FIELD_KIND   u8  x MAX_FIELDS|          | input     inputCapacity + PAD bytes           |
//   | FIELD_ENUM   u8  x MAX_FIELDS|          | scratch   inputCapacity + PAD (unescaped JSON)|
//   | FIELD_MAX    u64 x MAX_FIELDS|          | for each field f, 8-byte aligned:             |
//   | COLUMNS  2 x u32 x MAX_FIELDS|          |   values   maxRecords x width(kind f)         |
//   | ENUM_TABLE  (JS writes)      |          |   validity maxRecords x u8 (ip: 0, 4 or 6)    |
//   | NAME_TABLE  (JS writes)      |          | status     maxRecords x u8                    |
//   | RESULT      u32 x 32         |          | errorField maxRecords x u8                    |
//   | TEXT_FIELDS u8 x MAX_FIELDS  |          | offset     maxRecords x u32 (byte in input)   |
//   +-----------------------------+           | line       maxRecords x u32 (line in input)   |
//                                             | dict slots 2^k x u32 (generation<<24 | id)    |
//                                             | dict entries (dictCapacity+1) x 3 x u32       |
//                                             | recent tokens 1024 x 64 (64-byte aligned)     |
//                                             +----------------------------------------------+
//
// Parsers keep their own fixed lookup tables and block scratch as static data too (ipv4.ts,
// numbers.ts, enums.ts, dictionary.ts, columns.ts); none depends on the input.
//
// Column widths by kind: u32 4, u64 8, ip 16 (four u32 words, most significant first; IPv4 is
// stored IPv4-mapped, ::ffff:a.b.c.d), enum 1 (1-based index), id/string 4 (dictionary id, 1-based),
// skip 0. Validity is 1 for a value and 0 for '-'; ip columns store the address family instead.
import { PAD } from './bytes';

export const MAX_FIELDS: i32 = 128;
/** dictionary.ts's cache of recent tokens: 1024 slots of one cache line. */
export const RECENT_SLOTS: usize = 1024;
export const RECENT_BYTES: usize = RECENT_SLOTS * 64;
export const MAX_ENUMS: i32 = 8;
export const MAX_ENUM_VALUES: i32 = 8;
export const ENUM_ENTRY_BYTES: usize = 24; // len u32, pad u32, text u64 x 2 (zero padded)
export const MAX_NAMES: i32 = 128;
export const NAME_ENTRY_BYTES: usize = 32; // len u8, text 31 bytes

export const KIND_SKIP: u8 = 0;
export const KIND_U32: u8 = 1;
export const KIND_U64: u8 = 2;
export const KIND_IP: u8 = 3;
export const KIND_ENUM: u8 = 4;
export const KIND_TEXT: u8 = 5; // ids and strings: dictionary-encoded

export const FIELD_KIND = memory.data(MAX_FIELDS);
export const FIELD_ENUM = memory.data(MAX_FIELDS);
export const FIELD_MAX = memory.data(MAX_FIELDS * 8, 8);
export const COLUMNS = memory.data(MAX_FIELDS * 8, 8); // values ptr u32, validity ptr u32
export const ENUM_TABLE = memory.data(MAX_ENUMS * MAX_ENUM_VALUES * <i32>ENUM_ENTRY_BYTES, 8);
export const ENUM_COUNT = memory.data(MAX_ENUMS);
export const NAME_TABLE = memory.data(MAX_NAMES * <i32>NAME_ENTRY_BYTES, 8);
// For each token length 0..63, a bitmask of the first letters ('a'..'z') that some field name of
// that length starts with: a header check costs one load for lines that cannot be headers.
export const NAME_FILTER = memory.data(64 * 4, 4);
export const RESULT = memory.data(32 * 4, 8);
// The indexes of the text (dictionary) fields, in format order: interned row by row (block.ts).
export const TEXT_FIELDS = memory.data(MAX_FIELDS);

// RESULT slots (u32 each), read by src/tokenizer/batch.ts.
export const R_RECORDS: usize = 0;
export const R_CURSOR: usize = 1;
export const R_STOP: usize = 2;
export const R_ERRORS: usize = 3;
export const R_LINES: usize = 4;
export const R_DICT_COUNT: usize = 5;
export const R_ENVELOPE: usize = 6;
export const R_MESSAGE_TYPE: usize = 7;
export const R_OWNER_PTR: usize = 8;
export const R_OWNER_LEN: usize = 9;
export const R_GROUP_PTR: usize = 10;
export const R_GROUP_LEN: usize = 11;
export const R_STREAM_PTR: usize = 12;
export const R_STREAM_LEN: usize = 13;
export const R_HEADER_LINES: usize = 14;
export const R_BLANK_LINES: usize = 15;

@inline
export function result(slot: usize): u32 {
  return load<u32>(RESULT + (slot << 2));
}
@inline
export function setResult(slot: usize, value: u32): void {
  store<u32>(RESULT + (slot << 2), value);
}

// Current layout.
export let fieldCount: i32 = 0;
export let maxRecords: u32 = 0;
export let inputCapacity: usize = 0;
export let dictCapacity: u32 = 0;
export let dictMask: u32 = 0;
export let maxLineBytes: usize = 0;
export let textFieldCount: usize = 0;
export let inputPtr: usize = 0;
export let scratchPtr: usize = 0;
export let statusPtr: usize = 0;
export let errorFieldPtr: usize = 0;
export let offsetPtr: usize = 0;
export let linePtr: usize = 0;
export let dictSlotsPtr: usize = 0;
export let dictEntriesPtr: usize = 0;
export let recentPtr: usize = 0;

@inline
function align(p: usize, to: usize): usize {
  return (p + to - 1) & ~(to - 1);
}

export function kindWidth(kind: u8): usize {
  if (kind == KIND_U32 || kind == KIND_TEXT) return 4;
  if (kind == KIND_U64) return 8;
  if (kind == KIND_IP) return 16;
  if (kind == KIND_ENUM) return 1;
  return 0;
}

/**
 * Lay out memory for `fields` fields (kinds already written to FIELD_KIND) and the given limits.
 * Returns false when the arguments are out of range or memory cannot grow.
 */
export function setup(fields: i32, records: u32, capacity: u32, dictionary: u32, lineLimit: u32): bool {
  if (fields < 1 || fields > MAX_FIELDS || records < 1 || records > (1 << 24) || capacity < 1 || dictionary < 1 || dictionary > (1 << 23)) {
    return false;
  }
  let p = align(__heap_base, 64);
  const input = p;
  p = align(p + <usize>capacity + PAD, 64);
  const scratch = p;
  p = align(p + <usize>capacity + PAD, 64);
  const n = <usize>records;
  for (let f = 0; f < fields; f++) {
    p = align(p, 16);
    const values = p;
    p += n * kindWidth(load<u8>(FIELD_KIND + <usize>f));
    const validity = p;
    p += n;
    store<u32>(COLUMNS + (<usize>f << 3), <u32>values);
    store<u32>(COLUMNS + (<usize>f << 3) + 4, <u32>validity);
  }
  p = align(p, 8);
  const status = p;
  p += n;
  const errorField = p;
  p = align(p + n, 8);
  const offsets = p;
  p += n << 2;
  const lines = p;
  p += n << 2;
  // Dictionary hash slots: a power of two at least twice the entry capacity keeps probes short.
  let slots: u32 = 16;
  while (slots < dictionary * 2) slots <<= 1;
  const dictSlots = p;
  p += <usize>slots << 2;
  const dictEntries = p;
  p += (<usize>dictionary + 1) * 12;
  p = align(p, 64);
  const recent = p;
  p += RECENT_BYTES;
  p += PAD;
  // Reject layouts past 4 GiB (wasm32) before touching memory.
  if (p > <usize>0xfff00000) return false;
  const needPages = <i32>((p + 0xffff) >>> 16);
  const havePages = memory.size();
  if (needPages > havePages && memory.grow(needPages - havePages) < 0) return false;

  let texts: usize = 0;
  for (let f = 0; f < fields; f++) {
    if (load<u8>(FIELD_KIND + <usize>f) == KIND_TEXT) store<u8>(TEXT_FIELDS + texts++, <u8>f);
  }
  textFieldCount = texts;
  fieldCount = fields;
  maxRecords = records;
  inputCapacity = <usize>capacity;
  dictCapacity = dictionary;
  dictMask = slots - 1;
  maxLineBytes = <usize>lineLimit;
  inputPtr = input;
  scratchPtr = scratch;
  statusPtr = status;
  errorFieldPtr = errorField;
  offsetPtr = offsets;
  linePtr = lines;
  dictSlotsPtr = dictSlots;
  dictEntriesPtr = dictEntries;
  recentPtr = recent;
  memory.fill(recent, 0, RECENT_BYTES);
  memory.fill(dictSlots, 0, <usize>slots << 2);
  // The padding after input and scratch is read by vector loads; keep it deterministic.
  memory.fill(input + <usize>capacity, 0, PAD);
  memory.fill(scratch + <usize>capacity, 0, PAD);
  return true;
}

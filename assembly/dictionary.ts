// Per-batch dictionary of byte strings: each distinct token gets an id (1-based; 0 means null).
// Entries point into input or scratch memory, which stays untouched until the next batch.
// Slots carry a generation tag so starting a batch does not clear the table.
//
// Two caches in front of it hold tokens of up to 32 bytes by value (compared as two vectors), so a repeated token is found
// without touching the slot table, the entry or the earlier token's bytes (three dependent loads
// that miss the cache once the input has streamed past): each field's last token (columns such
// as account-id, or a CloudWatch stream's interface-id, repeat row after row), and RECENT, a small
// direct-mapped table of recent tokens of any field (laid out by layout.ts).
import { loadPrefix } from './bytes';
import { MAX_FIELDS, RECENT_BYTES, RECENT_SLOTS, dictCapacity, dictEntriesPtr, dictMask, dictSlotsPtr, recentPtr } from './layout';

export let dictCount: u32 = 0;
let generation: u32 = 1;
// Counts batches; tags RECENT entries (it wraps after 2^32 batches, where RECENT is cleared).
let batchSerial: u32 = 1;

const MUL_A: u64 = 0x9e3779b97f4a7c15;
const MUL_B: u64 = 0xc2b2ae3d27d4eb4f;
const MUL_C: u64 = 0x165667b19e3779f9;
const MUL_D: u64 = 0x27d4eb2f165667c5;
const MUL_MIX: u64 = 0xff51afd7ed558ccd;
const SHORT: usize = 32; // longest token the caches hold

// A cached token: its bytes as two vectors, zero past its length; its length, id, and (RECENT)
// the batch serial.
const BYTES_LOW: usize = 0;
const BYTES_HIGH: usize = 16;
const LEN: usize = 32;
const ID: usize = 36;
const SERIAL: usize = 40;
const ENTRY: usize = 64; // one cache line
const FIELD_CACHE = memory.data(MAX_FIELDS * <i32>ENTRY, 64);
// Lane numbers 0..15 and 16..31, to keep a token's bytes below its length.
const LANES = memory.data<u8>([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31], 16);

/** Whether [a, a+len) and [b, b+len) hold the same bytes (len >= 8: words, the last overlapping). */
@inline
function sameBytes(a: usize, b: usize, len: usize): bool {
  if (len < 8) return loadPrefix(a, len) == loadPrefix(b, len);
  for (let i: usize = 0; i < len; i += 8) {
    const at = i + 8 <= len ? i : len - 8;
    if (load<u64>(a + at) != load<u64>(b + at)) return false;
  }
  return true;
}

/** Hash of a token longer than SHORT bytes. */
function hashLong(p: usize, len: usize): u64 {
  let h = <u64>len * MUL_A;
  for (let i: usize = 0; i + 8 < len; i += 8) h = (h ^ load<u64>(p + i)) * MUL_B;
  return h ^ load<u64>(p + len - 8) * MUL_C;
}

@inline
function mix(h: u64): u32 {
  h = (h ^ (h >> 29)) * MUL_MIX;
  return <u32>(h >> 32);
}

export function resetDictionary(): void {
  dictCount = 0;
  generation++;
  if (generation == 256) {
    memory.fill(dictSlotsPtr, 0, (<usize>dictMask + 1) << 2);
    generation = 1;
  }
  batchSerial++;
  if (batchSerial == 0) {
    memory.fill(recentPtr, 0, RECENT_BYTES);
    batchSerial = 1;
  }
  // Cached ids belong to the batch that ends.
  memory.fill(FIELD_CACHE, 0, <usize>MAX_FIELDS * ENTRY);
}

/** Room left for new entries. */
@inline
export function dictionaryRoom(): u32 {
  return dictCapacity - dictCount;
}

@inline
function cached(entry: usize, len: usize, low: v128, high: v128): bool {
  return <usize>load<u32>(entry, LEN) == len
    && !v128.any_true(v128.or(v128.xor(v128.load(entry, BYTES_LOW), low), v128.xor(v128.load(entry, BYTES_HIGH), high)));
}

@inline
function cache(entry: usize, len: usize, low: v128, high: v128, id: u32): void {
  v128.store(entry, low, BYTES_LOW);
  v128.store(entry, high, BYTES_HIGH);
  store<u32>(entry, <u32>len, LEN);
  store<u32>(entry, id, ID);
}

/**
 * The id of field `field`'s token [p, p+len) (len >= 1), adding it when new. The caller keeps
 * dictionaryRoom() > 0. Reads 32 bytes from p (inside PAD); bytes past the token are masked off.
 */
@inline
export function intern(field: usize, p: usize, len: usize): u32 {
  if (len > SHORT) return lookup(p, len, mix(hashLong(p, len)));
  const size = i8x16.splat(<i8>len);
  const low = v128.and(v128.load(p), i8x16.gt_s(size, v128.load(LANES)));
  const high = v128.and(v128.load(p, 16), i8x16.gt_s(size, v128.load(LANES, 16)));
  const mine = FIELD_CACHE + field * ENTRY;
  if (cached(mine, len, low, high)) return load<u32>(mine, ID);
  return internShort(mine, p, len, low, high);
}

/** intern past the field's cache: RECENT, then the dictionary. */
function internShort(mine: usize, p: usize, len: usize, low: v128, high: v128): u32 {
  const hash = mix(
    (<u64>i64x2.extract_lane(low, 0) * MUL_A) ^ (<u64>i64x2.extract_lane(low, 1) * MUL_B)
    ^ (<u64>i64x2.extract_lane(high, 0) * MUL_C) ^ (<u64>i64x2.extract_lane(high, 1) * MUL_D) ^ <u64>len,
  );
  const recent = recentPtr + (<usize>(hash >>> 22) & (RECENT_SLOTS - 1)) * ENTRY;
  let id: u32;
  if (cached(recent, len, low, high) && load<u32>(recent, SERIAL) == batchSerial) {
    id = load<u32>(recent, ID);
  } else {
    id = lookup(p, len, hash);
    cache(recent, len, low, high, id);
    store<u32>(recent, batchSerial, SERIAL);
  }
  cache(mine, len, low, high, id);
  return id;
}

function lookup(p: usize, len: usize, hash: u32): u32 {
  const tag = generation << 24;
  let slot = hash & dictMask;
  while (true) {
    const slotPtr = dictSlotsPtr + (<usize>slot << 2);
    const value = load<u32>(slotPtr);
    if ((value & 0xff000000) != tag) {
      // Empty for this generation: add the entry.
      const id = ++dictCount;
      const entry = dictEntriesPtr + <usize>id * 12;
      store<u32>(entry, <u32>p);
      store<u32>(entry, <u32>len, 4);
      store<u32>(entry, hash, 8);
      store<u32>(slotPtr, tag | id);
      return id;
    }
    const id = value & 0x00ffffff;
    const entry = dictEntriesPtr + <usize>id * 12;
    if (load<u32>(entry, 8) == hash && <usize>load<u32>(entry, 4) == len && sameBytes(<usize>load<u32>(entry), p, len)) {
      return id;
    }
    slot = (slot + 1) & dictMask;
  }
  return 0;
}

// Enumerated fields (action, log-status, ...): the token must equal one of the words JS wrote to
// ENUM_TABLE for the field's enum, byte for byte. Words are at most 16 bytes.
// prepareEnums (at setup) finds per enum a multiplier that sends each word's key to its own slot
// of 16, so a token costs one multiply, one slot and one entry compare instead of a search.
import { ENUM_COUNT, ENUM_ENTRY_BYTES, ENUM_TABLE, MAX_ENUMS, MAX_ENUM_VALUES } from './layout';

const LONGEST: usize = 16; // bytes of the longest word
const SLOTS: usize = 16;
const HIGH_MIX: u64 = 0x9e3779b97f4a7c15;
const TRIES: u64 = 4096;
// Per enum: the multiplier (0: none found, search the words), and per slot a 1-based word index.
const MULTIPLIER = memory.data(MAX_ENUMS * 8, 8);
const SLOT_INDEX = memory.data(MAX_ENUMS * <i32>SLOTS);
// Per token length 0..16: the masks that keep a word's bytes in its first and second u64.
const LOW_MASK = memory.data(<i32>(LONGEST + 1) * 8, 8);
const HIGH_MASK = memory.data(<i32>(LONGEST + 1) * 8, 8);

function buildMasks(): void {
  for (let len: usize = 0; len <= LONGEST; len++) {
    const low = len < 8 ? len : 8;
    const high = len > 8 ? len - 8 : 0;
    store<u64>(LOW_MASK + (len << 3), low == 8 ? u64.MAX_VALUE : (<u64>1 << (<u64>low << 3)) - 1);
    store<u64>(HIGH_MASK + (len << 3), high == 8 ? u64.MAX_VALUE : (<u64>1 << (<u64>high << 3)) - 1);
  }
}
buildMasks();

@inline
function wordKey(low: u64, high: u64, len: usize): u64 {
  return low ^ (high * HIGH_MIX) ^ <u64>len;
}

@inline
function slotOf(key: u64, multiplier: u64): usize {
  return <usize>((key * multiplier) >> 60);
}

@inline
function words(which: u32): usize {
  return ENUM_TABLE + <usize>which * <usize>MAX_ENUM_VALUES * ENUM_ENTRY_BYTES;
}

/** Find each enum's multiplier (after JS wrote ENUM_TABLE and ENUM_COUNT). */
export function prepareEnums(): void {
  for (let which: u32 = 0; which < <u32>MAX_ENUMS; which++) {
    const count = <usize>load<u8>(ENUM_COUNT + which);
    const slots = SLOT_INDEX + <usize>which * SLOTS;
    store<u64>(MULTIPLIER + (<usize>which << 3), 0);
    for (let attempt: u64 = 1; attempt <= TRIES; attempt++) {
      const multiplier = (attempt * 0xd6e8feb86659fd93) | 1;
      memory.fill(slots, 0, SLOTS);
      let clash = false;
      for (let k: usize = 0; k < count && !clash; k++) {
        const entry = words(which) + k * ENUM_ENTRY_BYTES;
        const slot = slots + slotOf(wordKey(load<u64>(entry, 8), load<u64>(entry, 16), <usize>load<u32>(entry)), multiplier);
        if (load<u8>(slot) != 0) clash = true;
        else store<u8>(slot, <u8>(k + 1));
      }
      if (!clash) {
        store<u64>(MULTIPLIER + (<usize>which << 3), multiplier);
        break;
      }
    }
  }
}

/** The first 8 bytes of the token [p, p+len) (len 1..16), zero past its end. Reads 16 bytes from p. */
@inline
function wordLow(p: usize, len: usize): u64 {
  return load<u64>(p) & load<u64>(LOW_MASK + (len << 3));
}

/** Bytes 8..15 of the token [p, p+len) (len 1..16), zero past its end (or all zero). */
@inline
function wordHigh(p: usize, len: usize): u64 {
  return load<u64>(p, 8) & load<u64>(HIGH_MASK + (len << 3));
}

/** The 1-based index of the word with these bytes (wordLow, wordHigh) and length in enum `which`, or 0. */
@inline
function matchWords(which: u32, low: u64, high: u64, len: usize): u8 {
  const table = words(which);
  const multiplier = load<u64>(MULTIPLIER + (<usize>which << 3));
  if (multiplier != 0) {
    const index = <usize>load<u8>(SLOT_INDEX + <usize>which * SLOTS + slotOf(wordKey(low, high, len), multiplier));
    if (index == 0) return 0;
    const entry = table + (index - 1) * ENUM_ENTRY_BYTES;
    // One branch for the three compares (V8 turns && into a branch each).
    const differs = (<u64>load<u32>(entry) ^ <u64>len) | (load<u64>(entry, 8) ^ low) | (load<u64>(entry, 16) ^ high);
    return differs == 0 ? <u8>index : 0;
  }
  // Words that share a key (duplicates) have no multiplier: compare each.
  const count = <u32>load<u8>(ENUM_COUNT + <usize>which);
  for (let k: u32 = 0; k < count; k++) {
    const entry = table + <usize>k * ENUM_ENTRY_BYTES;
    if (<usize>load<u32>(entry) == len && load<u64>(entry, 8) == low && load<u64>(entry, 16) == high) {
      return <u8>(k + 1);
    }
  }
  return 0;
}

/** The 1-based index of the word [p, p+len) in enum `which`, or 0 when it is not one of them. */
@inline
export function matchEnum(which: u32, p: usize, len: usize): u8 {
  if (len - 1 >= LONGEST) return 0; // empty, or longer than any word
  // Reads 16 bytes from p (inside PAD); the masks drop what lies past the token.
  return matchWords(which, wordLow(p, len), wordHigh(p, len), len);
}

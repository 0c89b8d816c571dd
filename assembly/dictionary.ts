// Per-batch dictionary of byte strings: each distinct token gets an id (1-based; 0 means null).
// Entries point into input or scratch memory, which stays untouched until the next batch.
// Slots carry a generation tag so starting a batch does not clear the table.
import { bytesEqual, loadPrefix } from './bytes';
import { dictCapacity, dictEntriesPtr, dictMask, dictSlotsPtr } from './layout';

export let dictCount: u32 = 0;
let generation: u32 = 1;

const GOLDEN: u64 = 0x9e3779b97f4a7c15;

@inline
function hashBytes(p: usize, len: usize): u32 {
  let h: u64 = <u64>len * GOLDEN;
  let i: usize = 0;
  while (i + 8 <= len) {
    h = (rotl<u64>(h, 23) ^ load<u64>(p + i)) * GOLDEN;
    i += 8;
  }
  if (i < len) h = (rotl<u64>(h, 23) ^ loadPrefix(p + i, len - i)) * GOLDEN;
  return <u32>(h >>> 32);
}

export function resetDictionary(): void {
  dictCount = 0;
  generation++;
  if (generation == 256) {
    memory.fill(dictSlotsPtr, 0, (<usize>dictMask + 1) << 2);
    generation = 1;
  }
}

/** Room left for new entries. */
@inline
export function dictionaryRoom(): u32 {
  return dictCapacity - dictCount;
}

/** The id of the token [p, p+len), adding it when new. The caller keeps dictionaryRoom() > 0. */
export function intern(p: usize, len: usize): u32 {
  const hash = hashBytes(p, len);
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
    if (load<u32>(entry, 8) == hash && <usize>load<u32>(entry, 4) == len && bytesEqual(<usize>load<u32>(entry), p, len)) {
      return id;
    }
    slot = (slot + 1) & dictMask;
  }
  return 0;
}

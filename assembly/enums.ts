// Enumerated fields (action, log-status, ...): the token must equal one of the words JS wrote to
// ENUM_TABLE for the field's enum, byte for byte. Words are at most 16 bytes.
import { loadPrefix } from './bytes';
import { ENUM_COUNT, ENUM_ENTRY_BYTES, ENUM_TABLE, MAX_ENUM_VALUES } from './layout';

/** The 1-based index of the word [p, p+len) in enum `which`, or 0 when it is not one of them. */
export function matchEnum(which: u32, p: usize, len: usize): u8 {
  if (len == 0 || len > 16) return 0;
  const count = <u32>load<u8>(ENUM_COUNT + <usize>which);
  const low = loadPrefix(p, len);
  const high = len > 8 ? loadPrefix(p + 8, len - 8) : 0;
  let entry = ENUM_TABLE + <usize>which * <usize>MAX_ENUM_VALUES * ENUM_ENTRY_BYTES;
  for (let k: u32 = 0; k < count; k++) {
    if (<usize>load<u32>(entry) == len && load<u64>(entry, 8) == low && load<u64>(entry, 16) == high) {
      return <u8>(k + 1);
    }
    entry += ENUM_ENTRY_BYTES;
  }
  return 0;
}

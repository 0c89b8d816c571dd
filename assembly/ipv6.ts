// IPv6 in the RFC 4291 text forms: eight hex groups, one '::' for a run of zero groups,
// and an optional dotted IPv4 tail. Zone ids ('%eth0') are not addresses here.
import { COLON, DIGIT_0, DOT } from './bytes';
import { parseIPv4 } from './ipv4';

// Eight 16-bit groups of the address being parsed.
const GROUPS = memory.data(16, 8);

@inline
function hexValue(byte: u32): u32 {
  const digit = byte - <u32>DIGIT_0;
  if (digit <= 9) return digit;
  const letter = (byte | 0x20) - 0x61; // 'a'..'f' in either case
  return letter <= 5 ? letter + 10 : 0xff;
}

/**
 * Parse [p, end) as IPv6 and write it to `out` as four u32 words, most significant first.
 * Returns false when the text is not an IPv6 address.
 */
export function parseIPv6(p: usize, end: usize, out: usize): bool {
  let count: i32 = 0; // groups written
  let gap: i32 = -1; // group index where '::' stands
  if (end - p >= 2 && load<u8>(p) == COLON && load<u8>(p + 1) == COLON) {
    gap = 0;
    p += 2;
  }
  while (p < end) {
    if (count == 8) return false;
    const start = p;
    let value: u32 = 0;
    while (p < end && p - start < 5) {
      const digit = hexValue(<u32>load<u8>(p));
      if (digit > 15) break;
      value = (value << 4) | digit;
      p++;
    }
    if (p < end && load<u8>(p) == DOT) {
      // Dotted IPv4 tail: the last 32 bits.
      if (count > 6) return false;
      const v4 = parseIPv4(start, end);
      if (v4 < 0) return false;
      store<u16>(GROUPS + (<usize>count << 1), <u16>(<u32>v4 >>> 16));
      store<u16>(GROUPS + (<usize>(count + 1) << 1), <u16>(<u32>v4 & 0xffff));
      count += 2;
      p = end;
      break;
    }
    const digits = p - start;
    if (digits == 0 || digits > 4) return false;
    store<u16>(GROUPS + (<usize>count << 1), <u16>value);
    count++;
    if (p == end) break;
    if (load<u8>(p) != COLON) return false;
    p++;
    if (p < end && load<u8>(p) == COLON) {
      if (gap >= 0) return false;
      gap = count;
      p++;
    } else if (p == end) {
      return false; // a single trailing ':'
    }
  }
  if (gap < 0) {
    if (count != 8) return false;
  } else if (count > 7) {
    return false;
  }
  // Expand: groups before the gap stay, the rest move to the end, zeros in between.
  const zeros = 8 - count;
  for (let w = 0; w < 4; w++) {
    let word: u32 = 0;
    for (let half = 0; half < 2; half++) {
      const index = w * 2 + half;
      let group: u32 = 0;
      if (gap < 0 || index < gap) group = <u32>load<u16>(GROUPS + (<usize>index << 1));
      else if (index >= gap + zeros) group = <u32>load<u16>(GROUPS + (<usize>(index - zeros) << 1));
      word = (word << 16) | group;
    }
    store<u32>(out + (<usize>w << 2), word);
  }
  return true;
}

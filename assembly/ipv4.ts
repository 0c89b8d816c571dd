// Dotted-quad IPv4: four decimal parts of 1 to 3 digits, each at most 255.
// Relies on the byte at `end` not being a digit or '.', which every token boundary guarantees
// (space, LF, CR, '"', or the sentinel drivers write after their input).
import { DIGIT_0, DOT } from './bytes';

@inline
function digitAt(p: usize): u32 {
  return <u32>load<u8>(p) - <u32>DIGIT_0;
}

/** Parsed address, or -1 (as i64) when [p, end) is not an IPv4 address. */
export function parseIPv4(p: usize, end: usize): i64 {
  let address: u32 = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (load<u8>(p) != DOT) return -1;
      p++;
    }
    let value = digitAt(p);
    if (value > 9) return -1;
    p++;
    let digit = digitAt(p);
    if (digit <= 9) {
      value = value * 10 + digit;
      p++;
      digit = digitAt(p);
      if (digit <= 9) {
        value = value * 10 + digit;
        p++;
      }
    }
    if (value > 255) return -1;
    address = (address << 8) | value;
  }
  return p == end ? <i64>address : -1;
}

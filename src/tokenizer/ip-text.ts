/**
 * Text of an address stored as four u32 words (most significant first): IPv4 dotted decimal,
 * IPv6 in RFC 5952 form (lowercase, no leading zeros, longest zero run of two or more groups as
 * '::', first on a tie). Slow path: for toObjects() and labels, not per record in the hot loop.
 */
export const FAMILY_NONE = 0;
export const FAMILY_IPV4 = 4;
export const FAMILY_IPV6 = 6;

export function ipv4Text(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

export function ipv6Text(words: ArrayLike<number>, at: number): string {
  const groups: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = words[at + w]! >>> 0;
    groups.push(word >>> 16, word & 0xffff);
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** Text of row `row` of an ip column (`words` has four per row), or null when the family is none. */
export function ipText(words: Uint32Array, family: number, row: number): string | null {
  if (family === FAMILY_IPV4) return ipv4Text(words[row * 4 + 3]!);
  if (family === FAMILY_IPV6) return ipv6Text(words, row * 4);
  return null;
}

/**
 * Reference parsing of the address fields (`srcaddr`, `dstaddr`, `pkt-*addr`).
 *
 * Written for the reader, not for speed: this is the oracle the WASM tokenizer is checked against.
 * A token with `:` is IPv6 (RFC 4291 text forms), anything else IPv4 (four dotted decimals).
 * The result is the canonical text: dotted decimal without leading zeros for IPv4, RFC 5952 for IPv6.
 */

/** `text` as canonical address text, or null when it is not an address. */
export function parseIp(text: string): string | null {
  if (text.includes(':')) {
    const groups = parseIpv6Groups(text);
    return groups === null ? null : formatIpv6(groups);
  }
  const octets = parseIpv4Octets(text);
  return octets === null ? null : octets.join('.');
}

/** Exactly four parts of 1–3 decimal digits, each at most 255; leading zeros allowed (`010` is 10). */
function parseIpv4Octets(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    octets.push(value);
  }
  return octets;
}

/**
 * The eight 16-bit groups of an IPv6 address, or null.
 * Groups are 1–4 hex digits; one `::` stands for one or more zero groups; the final part may be
 * a dotted IPv4 address worth two groups. Zone ids (`%eth0`) and brackets are not accepted.
 */
function parseIpv6Groups(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const compressed = halves.length === 2;
  const head = parseGroupList(halves[0]!, !compressed);
  const tail = compressed ? parseGroupList(halves[1]!, true) : [];
  if (head === null || tail === null) return null;

  const explicit = head.length + tail.length;
  if (compressed) {
    // `::` must replace at least one group.
    if (explicit > 7) return null;
    return [...head, ...new Array<number>(8 - explicit).fill(0), ...tail];
  }
  return explicit === 8 ? head : null;
}

/**
 * The groups of one side of `::` (or of the whole address when there is none); '' is no groups.
 * `mayEndWithIpv4` is true only for the part that ends the address: an embedded IPv4 must come last.
 */
function parseGroupList(text: string, mayEndWithIpv4: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    const isLast = i === parts.length - 1;
    if (isLast && mayEndWithIpv4 && part.includes('.')) {
      const octets = parseIpv4Octets(part);
      if (octets === null) return null;
      const [a, b, c, d] = octets as [number, number, number, number];
      groups.push(a * 256 + b, c * 256 + d);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

/**
 * RFC 5952 text: lowercase hex without leading zeros; the longest run of two or more zero groups
 * (the first one on a tie) becomes `::`; never the mixed IPv4 form, so `::ffff:1.2.3.4` prints `::ffff:102:304`.
 */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < groups.length; start++) {
    let length = 0;
    while (start + length < groups.length && groups[start + length] === 0) length++;
    // Strictly longer, so the first of equal runs wins.
    if (length >= 2 && length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = (gs: readonly number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

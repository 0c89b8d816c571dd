/**
 * Traffic class and direction of a flow, from its addresses and the v5 fields when present.
 *
 * - aws_service: pkt-src-aws-service or pkt-dst-aws-service names an AWS service.
 * - internal / cross_az / internet: by the remote address (the source of ingress traffic, the
 *   destination of egress traffic; without flow-direction, whichever side is not internal).
 *   Internal is membership of the configured CIDRs (default RFC 1918, 100.64.0.0/10, fc00::/7).
 *   cross_az: internal, and both AZs are known and differ (the interface's az-id against the AZ
 *   of the configured subnet that holds the remote address).
 * - unknown: no addresses (NODATA, SKIPDATA) or nothing to tell.
 * Direction: flow-direction when the format has it; else egress when only the source is internal,
 * ingress when only the destination is, unknown otherwise.
 */
import { VpcflowError } from '../errors.js';

export const TRAFFIC_CLASSES = ['unknown', 'internal', 'cross_az', 'internet', 'aws_service'] as const;
export type TrafficClass = (typeof TRAFFIC_CLASSES)[number];
export const CLASS_UNKNOWN = 0;
export const CLASS_INTERNAL = 1;
export const CLASS_CROSS_AZ = 2;
export const CLASS_INTERNET = 3;
export const CLASS_AWS_SERVICE = 4;

export const DIRECTIONS = ['unknown', 'ingress', 'egress'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const DIRECTION_UNKNOWN = 0;
export const DIRECTION_INGRESS = 1;
export const DIRECTION_EGRESS = 2;

export const DEFAULT_INTERNAL_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

/** A CIDR as four u32 words (most significant first) and a prefix length over 128 bits. */
interface Cidr128 {
  readonly words: Uint32Array;
  readonly masks: Uint32Array;
}

export interface Subnet {
  readonly cidr: string;
  readonly az: string;
}

/** Parse IPv4 or IPv6 text into four u32 words (IPv4 mapped to ::ffff:a.b.c.d); null if invalid. */
export function addressWords(text: string): Uint32Array | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return null;
    return Uint32Array.of(0, 0, 0xffff, ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0);
  }
  if (!text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const values = part.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
    return values.some(Number.isNaN) ? null : values;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < (halves.length === 2 ? 1 : 0)) return null;
  const all = [...head, ...Array<number>(missing).fill(0), ...tail];
  return Uint32Array.from([0, 1, 2, 3], (w) => ((all[w * 2]! << 16) | all[w * 2 + 1]!) >>> 0);
}

function parseCidr(text: string, setting: string): Cidr128 {
  const [address, prefixText] = text.split('/');
  const words = addressWords(address ?? '');
  const isV4 = words !== null && !(address ?? '').includes(':');
  const prefix = prefixText === undefined ? (isV4 ? 32 : 128) : Number(prefixText);
  if (!words || !Number.isInteger(prefix) || prefix < 0 || prefix > (isV4 ? 32 : 128)) {
    throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `${setting}: ${JSON.stringify(text)} is not a CIDR block; write it as 10.0.0.0/8 or fd00::/8`, { context: { setting, value: text } });
  }
  const bits = isV4 ? prefix + 96 : prefix;
  const masks = Uint32Array.from([0, 1, 2, 3], (w) => {
    const inWord = Math.max(0, Math.min(32, bits - w * 32));
    return inWord === 0 ? 0 : inWord === 32 ? 0xffffffff : (0xffffffff << (32 - inWord)) >>> 0;
  });
  return { words: Uint32Array.from(words, (word, w) => (word & masks[w]!) >>> 0), masks };
}

function contains(cidr: Cidr128, words: ArrayLike<number>, at: number): boolean {
  for (let w = 0; w < 4; w++) {
    if (((words[at + w]! & cidr.masks[w]!) >>> 0) !== cidr.words[w]) return false;
  }
  return true;
}

export interface Classifier {
  /** Whether subnets with AZs are configured (cross_az needs them). */
  readonly zoned: boolean;
  /** Per row of an ip column (four words a row, `family` 0 for none): ADDRESS_NONE, ADDRESS_EXTERNAL or ADDRESS_INTERNAL. */
  markAddresses(words: Uint32Array, family: Uint8Array, rows: number, into: Uint8Array): void;
  /** The configured AZ holding the address, or null. */
  azOf(words: ArrayLike<number>, at: number): string | null;
}

export const ADDRESS_NONE = 0;
export const ADDRESS_EXTERNAL = 1;
export const ADDRESS_INTERNAL = 2;

/** Index into DIRECTION_BY_KINDS and CLASS_BY_KINDS: the flow-direction value (0 when absent) and both address kinds. */
export function kindsIndex(direction: number, source: number, destination: number): number {
  return (direction * 3 + source) * 3 + destination;
}

/**
 * Direction and traffic class for every combination of kindsIndex, so the hot loop looks them up
 * instead of branching on unpredictable data. aws_service and cross_az are decided on top.
 */
export const DIRECTION_BY_KINDS = new Uint8Array(27);
export const CLASS_BY_KINDS = new Uint8Array(27);
for (let given = 0; given < DIRECTIONS.length; given++) {
  for (let source = 0; source < 3; source++) {
    for (let destination = 0; destination < 3; destination++) {
      const both = source !== ADDRESS_NONE && destination !== ADDRESS_NONE;
      const srcInternal = source === ADDRESS_INTERNAL;
      const dstInternal = destination === ADDRESS_INTERNAL;
      let direction = given;
      if (direction === DIRECTION_UNKNOWN && both && srcInternal !== dstInternal) direction = srcInternal ? DIRECTION_EGRESS : DIRECTION_INGRESS;
      const remoteInternal = direction === DIRECTION_INGRESS ? srcInternal : direction === DIRECTION_EGRESS ? dstInternal : srcInternal && dstInternal;
      const index = kindsIndex(given, source, destination);
      DIRECTION_BY_KINDS[index] = direction;
      CLASS_BY_KINDS[index] = !both ? CLASS_UNKNOWN : remoteInternal ? CLASS_INTERNAL : CLASS_INTERNET;
    }
  }
}

const FAMILY_V4 = 4;
// IPv4 fast path, by the top 16 bits of an address: 0 no, yes, or check the whole address (a
// block longer than /16 starts there).
const INTERNAL_YES = 1;
const INTERNAL_CHECK = 2;

/** The IPv4 fast-path table of a set of IPv4 blocks (base and mask of the low word). */
function prefixTable(bases: Uint32Array, masks: Uint32Array): Uint8Array {
  const table = new Uint8Array(65536);
  bases.forEach((base, i) => {
    const high = masks[i]! >>> 16;
    // A block of /16 or shorter covers whole rows of the table; a longer one leaves its row to the full check.
    if ((masks[i]! & 0xffff) !== 0) {
      if (table[base >>> 16] !== INTERNAL_YES) table[base >>> 16] = INTERNAL_CHECK;
      return;
    }
    const first = (base >>> 16) & high;
    for (let row = first; row <= (first | (~high & 0xffff)); row++) table[row] = INTERNAL_YES;
  });
  return table;
}

export function createClassifier(internalCidrs: readonly string[] = DEFAULT_INTERNAL_CIDRS, subnets: readonly Subnet[] = []): Classifier {
  // IPv4 blocks are checked on the low word alone: the hot case.
  const blocks = internalCidrs.map((c) => parseCidr(c, 'internal-cidrs'));
  const isV4Block = (c: Cidr128): boolean => c.words[2] === 0xffff && c.masks[2] === 0xffffffff;
  const v4 = blocks.filter(isV4Block);
  const v6 = blocks.filter((c) => !isV4Block(c));
  const v4Bases = Uint32Array.from(v4, (c) => c.words[3]!);
  const v4Masks = Uint32Array.from(v4, (c) => c.masks[3]!);
  const zones = subnets.map((s) => ({ cidr: parseCidr(s.cidr, 'subnets'), az: s.az }));
  const v4Prefixes = prefixTable(v4Bases, v4Masks);
  const isInternal = (words: ArrayLike<number>, at: number): boolean => {
    if (words[at] === 0 && words[at + 1] === 0 && words[at + 2] === 0xffff) {
      const address = words[at + 3]!;
      for (let i = 0; i < v4Bases.length; i++) {
        if (((address & v4Masks[i]!) >>> 0) === v4Bases[i]) return true;
      }
      return false;
    }
    return v6.some((c) => contains(c, words, at));
  };
  return {
    zoned: zones.length > 0,
    markAddresses(words, family, rows, into) {
      for (let row = 0; row < rows; row++) {
        const fam = family[row]!;
        // IPv4 is one table lookup by the top 16 bits; IPv6 and long prefixes take the full check.
        const prefix = fam === FAMILY_V4 ? v4Prefixes[words[row * 4 + 3]! >>> 16]! : INTERNAL_CHECK;
        if (fam === 0) into[row] = ADDRESS_NONE;
        else into[row] = prefix === INTERNAL_YES || (prefix === INTERNAL_CHECK && isInternal(words, row * 4)) ? ADDRESS_INTERNAL : ADDRESS_EXTERNAL;
      }
    },
    azOf(words, at) {
      for (const zone of zones) if (contains(zone.cidr, words, at)) return zone.az;
      return null;
    },
  };
}

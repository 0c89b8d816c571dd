/**
 * An independent computation of window totals from generated records, written from the
 * documented rules (README, src/window/accumulate.ts header) without the pipeline's code: plain
 * objects, strings and Maps, one record at a time.
 */
type Value = string | number | null;
type FlowRecord = Record<string, Value>;

export interface OracleOptions {
  sizes: number[];
  windowTime: 'end' | 'start' | 'prorate';
  outOfOrdernessSeconds: number;
  allowedLatenessSeconds: number;
  /** Internal blocks, IPv4 only here as the generator's estate is (plus IPv6 ULA, handled below). */
  internalV4: [base: string, prefix: number][];
  /** Fields the records were written with; the others are unknown to the pipeline. */
  fields: readonly string[];
}

export interface OracleTotals {
  /** `${size}:${start}` → group key → [flows, packets, bytes] */
  windows: Map<string, Map<string, [number, number, number]>>;
  late: Map<number, number>;
}

const PROTOCOLS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

function v4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  return parts.reduce((acc, part) => acc * 256 + Number(part), 0);
}

function internal(address: string, blocks: [string, number][]): boolean {
  if (address.includes(':')) return /^f[cd]/i.test(address);
  const value = v4(address)!;
  return blocks.some(([base, prefix]) => Math.floor(value / 2 ** (32 - prefix)) === Math.floor(v4(base)! / 2 ** (32 - prefix)));
}

export function groupKey(action: string, protocol: string, status: string, direction: string, trafficClass: string): string {
  return [action, protocol, status, direction, trafficClass].join('|');
}

function classify(record: FlowRecord, blocks: [string, number][]): { direction: string; trafficClass: string } {
  const src = record.srcaddr as string | null;
  const dst = record.dstaddr as string | null;
  const srcIn = src !== null && internal(src, blocks);
  const dstIn = dst !== null && internal(dst, blocks);
  let direction = (record['flow-direction'] as string | null | undefined) ?? 'unknown';
  if (direction === 'unknown' && src !== null && dst !== null && srcIn !== dstIn) direction = srcIn ? 'egress' : 'ingress';
  let trafficClass = 'unknown';
  if ((record['pkt-src-aws-service'] ?? null) !== null || (record['pkt-dst-aws-service'] ?? null) !== null) trafficClass = 'aws_service';
  else if (src !== null && dst !== null) {
    const remoteInternal = direction === 'ingress' ? srcIn : direction === 'egress' ? dstIn : srcIn && dstIn;
    trafficClass = remoteInternal ? 'internal' : 'internet';
  }
  return { direction, trafficClass };
}

/** Windows a [start, end) interval overlaps and the whole-unit share of `value` each gets. */
function shares(value: number, start: number, end: number, size: number): [number, number][] {
  if (end <= start) return [[end - (end % size), value]];
  const result: [number, number][] = [];
  const lastWindow = end - 1 - ((end - 1) % size);
  let given = 0;
  for (let w = start - (start % size); w < lastWindow; w += size) {
    const overlap = Math.min(end, w + size) - Math.max(start, w);
    const amount = Math.floor((value * overlap) / (end - start));
    result.push([w, amount]);
    given += amount;
  }
  result.push([lastWindow, value - given]);
  return result;
}

/** `partitions`: each partition's records in the order the pipeline reads them. */
export function oracleTotals(partitions: readonly (readonly FlowRecord[])[], options: OracleOptions): OracleTotals {
  const windows = new Map<string, Map<string, [number, number, number]>>();
  const late = new Map<number, number>(options.sizes.map((s) => [s, 0]));
  const add = (size: number, start: number, key: string, f: number, p: number, b: number): void => {
    if (f === 0 && p === 0 && b === 0) return;
    const id = `${size}:${start}`;
    if (!windows.has(id)) windows.set(id, new Map());
    const groups = windows.get(id)!;
    const sums = groups.get(key) ?? [0, 0, 0];
    groups.set(key, [sums[0] + f, sums[1] + p, sums[2] + b]);
  };
  const written = new Set(options.fields);
  for (const records of partitions) {
    let newest = -Infinity;
    for (const full of records) {
      const record: FlowRecord = Object.fromEntries(Object.entries(full).filter(([field]) => written.has(field)));
      const time = Number(options.windowTime === 'start' ? record.start : record.end);
      const lateThrough = newest - options.outOfOrdernessSeconds - options.allowedLatenessSeconds;
      newest = Math.max(newest, time);
      const { direction, trafficClass } = classify(record, options.internalV4);
      const protocol = record.protocol === null ? 'none' : (PROTOCOLS[record.protocol as number] ?? String(record.protocol));
      const key = groupKey((record.action as string | null) ?? 'none', protocol, (record['log-status'] as string | null) ?? 'none', direction, trafficClass);
      const packets = (record.packets as number | null) ?? 0;
      const bytes = (record.bytes as number | null) ?? 0;
      for (const size of options.sizes) {
        const start = time - (time % size);
        if (start + size <= lateThrough) {
          late.set(size, late.get(size)! + 1);
          continue;
        }
        const from = Math.min(time, Number(record.start));
        if (options.windowTime !== 'prorate' || from >= time) {
          add(size, start, key, 1, packets, bytes);
          continue;
        }
        add(size, start, key, 1, 0, 0);
        let partlyLate = false;
        for (const [w, amount] of shares(packets, from, time, size)) {
          if (w + size <= lateThrough) partlyLate = true;
          else add(size, w, key, 0, amount, 0);
        }
        for (const [w, amount] of shares(bytes, from, time, size)) {
          if (w + size > lateThrough) add(size, w, key, 0, 0, amount);
        }
        if (partlyLate) late.set(size, late.get(size)! + 1);
      }
    }
  }
  return { windows, late };
}

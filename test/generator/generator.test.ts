import { describe, expect, it } from 'vitest';
import { isVpcflowError } from '../../src/errors.js';
import { FIELDS } from '../../src/format/fields.js';
import { createFlowGenerator, type FlowRecord, type GeneratorOptions } from '../../src/generator/index.js';

function take(count: number, options: GeneratorOptions = {}): FlowRecord[] {
  const generator = createFlowGenerator(options);
  return Array.from({ length: count }, () => generator.next());
}

function share(records: readonly FlowRecord[], test: (r: FlowRecord) => boolean): number {
  return records.filter(test).length / records.length;
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [base, length] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(length));
  const start = ipv4ToInt(base);
  const value = ipv4ToInt(address);
  return value >= start && value < start + size;
}

// One shared sample for the statistical checks: generating is deterministic, so these are exact for seed 1.
const SAMPLE = take(100_000);

describe('createFlowGenerator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(take(2_000, { seed: 7 })).toEqual(take(2_000, { seed: 7 }));
    const [a, b] = [take(200, { seed: 7 }), take(200, { seed: 8 })];
    expect(a.filter((r, i) => r.srcaddr === b[i]!.srcaddr).length).toBeLessThan(20);
    expect(createFlowGenerator({ seed: 7 }).topology.enis[0]!.id).not.toBe(createFlowGenerator({ seed: 8 }).topology.enis[0]!.id);
  });

  it('fills every catalog field, in catalog order, with strings, numbers or null', () => {
    for (const record of SAMPLE.slice(0, 1_000)) {
      expect(Object.keys(record)).toEqual(FIELDS.map((f) => f.name));
      for (const value of Object.values(record)) expect(value === null || typeof value === 'string' || typeof value === 'number').toBe(true);
    }
    const carried = FIELDS.filter((f) => f.since <= 5 && !f.name.startsWith('sublocation') && !f.name.startsWith('pkt-') && f.name !== 'traffic-path' && f.name !== 'instance-id');
    const ok = SAMPLE.find((r) => r['log-status'] === 'OK')!;
    for (const field of carried) expect(ok[field.name], field.name).not.toBeNull();
  });

  it('hits the REJECT, NODATA, SKIPDATA and IPv6 ratios', () => {
    expect(share(SAMPLE, (r) => r.action === 'REJECT')).toBeCloseTo(0.08, 2);
    expect(share(SAMPLE, (r) => r['log-status'] === 'NODATA')).toBeGreaterThan(0.008);
    expect(share(SAMPLE, (r) => r['log-status'] === 'NODATA')).toBeLessThan(0.012);
    expect(share(SAMPLE, (r) => r['log-status'] === 'SKIPDATA')).toBeGreaterThan(0.0006);
    expect(share(SAMPLE, (r) => r['log-status'] === 'SKIPDATA')).toBeLessThan(0.0014);
    const ok = SAMPLE.filter((r) => r['log-status'] === 'OK');
    expect(share(ok, (r) => r.type === 'IPv6')).toBeCloseTo(0.03, 2);
    const custom = take(50_000, { rejectRatio: 0.3, nodataRatio: 0.1, skipdataRatio: 0, ipv6Ratio: 0 });
    expect(share(custom, (r) => r.action === 'REJECT')).toBeCloseTo(0.3, 1);
    expect(share(custom, (r) => r['log-status'] === 'NODATA')).toBeCloseTo(0.1, 1);
    expect(custom.some((r) => r['log-status'] === 'SKIPDATA' || r.type === 'IPv6')).toBe(false);
  });

  it('writes NODATA and SKIPDATA records the way AWS does', () => {
    const status = SAMPLE.filter((r) => r['log-status'] !== 'OK');
    expect(status.length).toBeGreaterThan(0);
    for (const r of status) {
      for (const name of ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'action', 'tcp-flags', 'type', 'flow-direction']) {
        expect(r[name], name).toBeNull();
      }
      for (const name of ['version', 'account-id', 'interface-id', 'start', 'end', 'vpc-id', 'subnet-id', 'region', 'az-id']) expect(r[name], name).not.toBeNull();
    }
  });

  it('keeps end - start within an aggregation interval and advances the clock', () => {
    const generator = createFlowGenerator({ recordsPerSecond: 1_000 });
    const first = generator.clock;
    let previousClock = first;
    for (let i = 0; i < 10_000; i++) {
      const r = generator.next();
      const [start, end] = [r.start as number, r.end as number];
      expect(end - start).toBeGreaterThanOrEqual(0);
      expect(end - start).toBeLessThanOrEqual(60);
      // Within the clock's last minute.
      expect(end).toBeLessThanOrEqual(generator.clock);
      expect(start).toBeGreaterThanOrEqual(Math.floor(generator.clock) - 61);
      expect(generator.clock).toBeGreaterThan(previousClock);
      previousClock = generator.clock;
    }
    expect(generator.clock - first).toBeCloseTo(10, 6);
  });

  it('starts at a live, fractional time for the demo feed', () => {
    const generator = createFlowGenerator({ startTime: 1_700_000_000.75, recordsPerSecond: 10 });
    const record = generator.next();
    expect(Number.isInteger(record.start) && Number.isInteger(record.end)).toBe(true);
    expect(record.end as number).toBeGreaterThan(1_700_000_000 - 61);
    expect(record.end as number).toBeLessThanOrEqual(generator.clock);
    expect(generator.clock).toBeCloseTo(1_700_000_000.85, 6);
  });

  it('moves records back for outOfOrderSeconds and lateRatio', () => {
    const disorderly = take(20_000, { outOfOrderSeconds: 300, recordsPerSecond: 100 });
    const clockAt = (i: number): number => 1_735_689_600 + (i + 1) / 100;
    expect(disorderly.some((r, i) => (r.end as number) < clockAt(i) - 200)).toBe(true);
    const late = take(20_000, { lateRatio: 0.05, lateSeconds: 900 });
    expect(share(late, (r) => (r.end as number) < 1_735_689_600 - 600)).toBeCloseTo(0.05, 2);
  });

  it('has heavy-tailed sizes with plausible packet sizes', () => {
    const bytes = SAMPLE.filter((r) => r.bytes !== null).map((r) => r.bytes as number).sort((a, b) => a - b);
    const median = bytes[bytes.length >> 1]!;
    expect(bytes.at(-1)!).toBeGreaterThan(1_000 * median);
    const implausible = SAMPLE.filter((r) => {
      if (r.packets === null) return false;
      const [packets, size] = [r.packets as number, r.bytes as number];
      return packets < 1 || size / packets < 40 || size / packets > 1500;
    });
    expect(implausible).toEqual([]);
  });

  it('makes heavy hitters stronger with skew', () => {
    const topShare = (records: FlowRecord[]): number => {
      const counts = new Map<unknown, number>();
      for (const r of records) counts.set(r['interface-id'], (counts.get(r['interface-id']) ?? 0) + 1);
      return Math.max(...counts.values()) / records.length;
    };
    expect(topShare(take(30_000, { skew: 0 }))).toBeLessThan(0.02);
    expect(topShare(take(30_000, { skew: 1.2 }))).toBeGreaterThan(0.15);
  });

  it('orients flows: egress leaves the interface, ingress arrives, ports and protocols agree', () => {
    const generator = createFlowGenerator();
    const addresses = new Map(generator.topology.enis.map((e) => [e.id, new Set([e.ipv4, e.ipv6])]));
    const wrong: { problem: string; record: FlowRecord }[] = [];
    const check = (ok: boolean, problem: string, record: FlowRecord): void => {
      if (!ok) wrong.push({ problem, record });
    };
    for (let i = 0; i < 50_000; i++) {
      const r = generator.next();
      if (r['log-status'] !== 'OK') continue;
      const own = addresses.get(r['interface-id'] as string)!;
      if (r['flow-direction'] === 'egress') {
        check(own.has(r.srcaddr as string), 'egress from another address', r);
        check(typeof r['traffic-path'] === 'number' && r['traffic-path'] >= 1 && r['traffic-path'] <= 8, 'egress without traffic-path', r);
      } else {
        check(r['flow-direction'] === 'ingress', 'no flow-direction', r);
        check(own.has(r.dstaddr as string), 'ingress to another address', r);
        check(r['traffic-path'] === null, 'ingress with traffic-path', r);
      }
      if (r.protocol === 1 || r.protocol === 58) check(r.srcport === 0 && r.dstport === 0 && r['tcp-flags'] === 0, 'ICMP with ports or flags', r);
      else check(r.protocol === 6 || r.protocol === 17, 'unexpected protocol', r);
      if (r.protocol === 17) check(r['tcp-flags'] === 0, 'UDP with tcp-flags', r);
      check((r.type === 'IPv6') === String(r.srcaddr).includes(':'), 'type disagrees with the address', r);
      if (r['pkt-dst-aws-service'] !== null) check(r['flow-direction'] === 'egress', 'request to a service arriving', r);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('builds a recognisable estate', () => {
    const { topology } = createFlowGenerator();
    expect(topology.accounts).toHaveLength(3);
    expect(topology.accounts.every((a) => /^\d{12}$/.test(a))).toBe(true);
    expect(topology.accounts[0]!.startsWith('0')).toBe(true);
    expect(topology.enis).toHaveLength(300);
    expect(new Set(topology.enis.map((e) => e.id)).size).toBe(300);
    expect(new Set(topology.enis.map((e) => e.ipv4)).size).toBe(300);
    for (const eni of topology.enis) {
      expect(eni.id).toMatch(/^eni-[0-9a-f]{17}$/);
      if (eni.instanceId !== null) expect(eni.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
      expect(eni.azId).toMatch(/^(use1|usw2)-az\d$/);
      expect(inCidr(eni.ipv4, eni.vpc.cidr)).toBe(true);
      expect(inCidr(eni.ipv4, eni.vpc.subnets.find((s) => s.id === eni.subnetId)!.cidr)).toBe(true);
    }
    expect(topology.enis.some((e) => e.instanceId === null)).toBe(true);
    for (const vpc of topology.vpcs) expect(new Set(vpc.subnets.map((s) => s.azId)).size).toBe(3);
  });

  it('names AWS services and tags them on the right side', () => {
    const services = new Set(SAMPLE.flatMap((r) => [r['pkt-src-aws-service'], r['pkt-dst-aws-service']]).filter((s) => s !== null));
    for (const name of ['S3', 'DYNAMODB', 'AMAZON', 'EC2']) expect(services).toContain(name);
    const s3 = SAMPLE.find((r) => r['pkt-dst-aws-service'] === 'S3' && r['traffic-path'] === 7);
    expect(s3).toBeDefined();
  });

  it('rejects invalid options with VPCFLOW_CONFIG_INVALID', () => {
    for (const options of [{ rejectRatio: 1.5 }, { enis: 2 }, { recordsPerSecond: 0 }, { seed: -1 }, { nodataRatio: 0.6, rejectRatio: 0.6 }, { skew: Number.NaN }]) {
      expect(() => createFlowGenerator(options), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'VPCFLOW_CONFIG_INVALID' }));
    }
    try {
      createFlowGenerator({ accounts: 0 });
    } catch (error) {
      expect(isVpcflowError(error, 'VPCFLOW_CONFIG_INVALID')).toBe(true);
    }
  });

  it('works with a tiny estate', () => {
    const records = take(5_000, { accounts: 1, enis: 2 });
    expect(new Set(records.map((r) => r['interface-id'])).size).toBe(2);
  });
});

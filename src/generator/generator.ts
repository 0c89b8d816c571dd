/**
 * The deterministic flow-log generator: a seeded stream of records keyed by AWS field names.
 *
 * An event clock advances by 1 / recordsPerSecond with each record; each record falls in the
 * clock's last minute (the aggregation interval), unless out-of-order or late shifting moves it
 * back. Tests compute their expectations from the records; benchmarks and the demo render them.
 * The same seed and options give the same records, on any machine.
 */
import { VpcflowError } from '../errors.js';
import { createAddressPools } from './addresses.js';
import { createRandom } from './random.js';
import { Scenarios, type ScenarioEvent } from './scenarios.js';
import { type Topology, createTopology } from './topology.js';
import { TCP } from './profiles.js';
import { Flow, TrafficModel } from './traffic.js';

export interface GeneratorOptions {
  /** Seed of every random choice, topology included (32-bit). Default 1. */
  seed?: number;
  /** Event time of the first record, Unix seconds; fractions are fine (Date.now() / 1000 for a live feed). Default 2025-01-01T00:00:00Z, so runs are reproducible. */
  startTime?: number;
  /** Records per second of event time. Default 10,000. */
  recordsPerSecond?: number;
  /** Network interfaces in the estate, at least accounts + 1. Default 300. */
  enis?: number;
  /** AWS accounts; the first id starts with 0. Default 3. */
  accounts?: number;
  /** Value of the `version` field. AWS writes the highest version among the format's fields (2 for the default format); see formatVersion(). Default 5. */
  version?: number;
  /** Share of traffic (OK) records that are IPv6. Default 0.03. */
  ipv6Ratio?: number;
  /** Share of all records that are REJECTed traffic. Default 0.08. */
  rejectRatio?: number;
  /** Share of all records that are NODATA. Default 0.01. */
  nodataRatio?: number;
  /** Share of all records that are SKIPDATA. Default 0.001. */
  skipdataRatio?: number;
  /** Half of the records are moved back by 1 to this many seconds. Default 0. */
  outOfOrderSeconds?: number;
  /** Share of records moved lateSeconds behind the clock. Default 0. */
  lateRatio?: number;
  /** How far behind the clock late records are. Default 600. */
  lateSeconds?: number;
  /** Zipf exponent of interface and peer popularity (0 = uniform). Default 0.8. */
  skew?: number;
  /** Spikes, port scans and NODATA/SKIPDATA bursts on a schedule (see scenarios.ts). Default false. */
  scenarios?: boolean;
}

/** A record keyed by AWS field name; null is written as `-`. */
export type FlowRecord = Record<string, string | number | null>;

export interface FlowGenerator {
  next(): FlowRecord;
  /** Event time reached, Unix seconds (fractional): startTime + records so far / recordsPerSecond. */
  readonly clock: number;
  readonly topology: Topology;
  /** Scenario events running now (empty unless `scenarios`). */
  readonly activeScenarios: readonly ScenarioEvent[];
}

export const DEFAULT_START_TIME = 1_735_689_600;

const DEFAULTS: Required<GeneratorOptions> = {
  seed: 1,
  startTime: DEFAULT_START_TIME,
  recordsPerSecond: 10_000,
  enis: 300,
  accounts: 3,
  version: 5,
  ipv6Ratio: 0.03,
  rejectRatio: 0.08,
  nodataRatio: 0.01,
  skipdataRatio: 0.001,
  outOfOrderSeconds: 0,
  lateRatio: 0,
  lateSeconds: 600,
  skew: 0.8,
  scenarios: false,
};

function invalid(name: string, value: unknown, rule: string): never {
  throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `generator option ${name} = ${JSON.stringify(value)}: ${rule}`, { context: { option: name, value } });
}

export function resolveGeneratorOptions(options: GeneratorOptions): Required<GeneratorOptions> {
  const o = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof GeneratorOptions)[]) {
    if (options[key] !== undefined) (o as Record<string, unknown>)[key] = options[key];
  }
  const atLeast = (name: keyof GeneratorOptions, min: number, integer: boolean): void => {
    const value = o[name] as number;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      invalid(name, value, `must be ${integer ? 'an integer' : 'a number'} >= ${min}`);
    }
  };
  atLeast('seed', 0, true);
  atLeast('startTime', 0, false);
  atLeast('version', 2, true);
  atLeast('accounts', 1, true);
  atLeast('enis', o.accounts + 1, true);
  atLeast('outOfOrderSeconds', 0, true);
  atLeast('lateSeconds', 0, true);
  atLeast('skew', 0, false);
  if (!(o.recordsPerSecond > 0) || !Number.isFinite(o.recordsPerSecond)) invalid('recordsPerSecond', o.recordsPerSecond, 'must be a positive number');
  for (const name of ['ipv6Ratio', 'rejectRatio', 'nodataRatio', 'skipdataRatio', 'lateRatio'] as const) {
    if (typeof o[name] !== 'number' || !(o[name] >= 0 && o[name] <= 1)) invalid(name, o[name], 'must be a share between 0 and 1');
  }
  const statuses = o.rejectRatio + o.nodataRatio + o.skipdataRatio;
  if (statuses > 1) invalid('rejectRatio', o.rejectRatio, `rejectRatio + nodataRatio + skipdataRatio is ${statuses}, more than 1`);
  return o;
}

export function createFlowGenerator(options: GeneratorOptions = {}): FlowGenerator {
  const o = resolveGeneratorOptions(options);
  // Two streams: `setup` builds the estate first, so the estate depends on the seed alone, and then
  // serves the flow model's draws; `random` serves the record-level choices (status, times).
  const random = createRandom(o.seed);
  const setup = createRandom(o.seed ^ 0x5bd1e995);
  const topology = createTopology(setup, { accounts: o.accounts, enis: o.enis });
  const pools = createAddressPools(setup);
  const traffic = new TrafficModel(topology, pools, setup, { skew: o.skew });
  const scenarios = o.scenarios ? new Scenarios(traffic, createRandom(o.seed ^ 0x27d4eb2f), o.recordsPerSecond, Math.floor(o.startTime)) : null;
  const flow = new Flow(topology.enis[0]!);
  const version = o.version;
  let emitted = 0;

  const next = (): FlowRecord => {
    const now = Math.floor(o.startTime + emitted / o.recordsPerSecond);
    emitted++;

    let status: 'OK' | 'NODATA' | 'SKIPDATA' = 'OK';
    let scripted = false;
    if (scenarios !== null) {
      scenarios.update(now);
      const u = random.float();
      if (u < scenarios.scanShare) {
        scenarios.fillScan(flow);
        scripted = true;
      } else if (u < scenarios.scanShare + scenarios.spikeShare) {
        scenarios.fillSpike(flow, random);
        scripted = true;
      }
    }
    if (!scripted) {
      const skipdata = o.skipdataRatio + (scenarios?.skipdataBoost ?? 0);
      const nodata = skipdata + o.nodataRatio + (scenarios?.nodataBoost ?? 0);
      const u = random.float();
      if (u < skipdata) status = 'SKIPDATA';
      else if (u < nodata) status = 'NODATA';
      else traffic.draw(flow, u < nodata + o.rejectRatio, o.ipv6Ratio > 0 && random.float() < o.ipv6Ratio);
    }

    // Times: a record covers part of the last minute and ends by the clock; status records span the interval.
    const duration = status === 'OK' ? flow.durationSeconds : 50 + random.int(11);
    let end = flow.atClock && status === 'OK' ? now : now - random.int(61 - duration);
    if (o.outOfOrderSeconds > 0 && random.float() < 0.5) end -= 1 + random.int(o.outOfOrderSeconds);
    if (o.lateRatio > 0 && random.float() < o.lateRatio) end -= o.lateSeconds;
    const start = end - duration;

    if (status !== 'OK') flow.eni = traffic.enis.pick(random);
    return buildRecord(flow, version, start, end, status);
  };

  return {
    next,
    get clock() {
      return o.startTime + emitted / o.recordsPerSecond;
    },
    topology,
    get activeScenarios() {
      return scenarios?.active ?? [];
    },
  };
}

/** One literal for every record, so all records share one hidden class. */
function buildRecord(flow: Flow, version: number, start: number, end: number, status: 'OK' | 'NODATA' | 'SKIPDATA'): FlowRecord {
  const eni = flow.eni;
  const vpc = eni.vpc;
  // NODATA and SKIPDATA records: AWS writes `-` for everything about traffic and keeps the interface's own fields.
  const ok = status === 'OK';
  return {
    version,
    'account-id': eni.accountId,
    'interface-id': eni.id,
    srcaddr: ok ? flow.srcaddr : null,
    dstaddr: ok ? flow.dstaddr : null,
    srcport: ok ? flow.srcport : null,
    dstport: ok ? flow.dstport : null,
    protocol: ok ? flow.protocol : null,
    packets: ok ? flow.packets : null,
    bytes: ok ? flow.bytes : null,
    start,
    end,
    action: ok ? (flow.rejected ? 'REJECT' : 'ACCEPT') : null,
    'log-status': status,
    'vpc-id': vpc.id,
    'subnet-id': eni.subnetId,
    'instance-id': eni.instanceId,
    'tcp-flags': ok ? (flow.protocol === TCP ? flow.tcpFlags : 0) : null,
    type: ok ? (flow.ipv6 ? 'IPv6' : 'IPv4') : null,
    'pkt-srcaddr': ok ? flow.pktSrcaddr : null,
    'pkt-dstaddr': ok ? flow.pktDstaddr : null,
    region: vpc.region,
    'az-id': eni.azId,
    'sublocation-type': eni.sublocationType,
    'sublocation-id': eni.sublocationId,
    'pkt-src-aws-service': ok ? flow.srcService : null,
    'pkt-dst-aws-service': ok ? flow.dstService : null,
    'flow-direction': ok ? (flow.egress ? 'egress' : 'ingress') : null,
    'traffic-path': ok ? flow.trafficPath : null,
    // Transit-gateway (v6), ECS (v7) and later fields describe other resources than an interface's flows.
    'resource-type': null,
    'tgw-id': null,
    'tgw-attachment-id': null,
    'tgw-src-vpc-account-id': null,
    'tgw-dst-vpc-account-id': null,
    'tgw-src-vpc-id': null,
    'tgw-dst-vpc-id': null,
    'tgw-src-subnet-id': null,
    'tgw-dst-subnet-id': null,
    'tgw-src-eni': null,
    'tgw-dst-eni': null,
    'tgw-src-az-id': null,
    'tgw-dst-az-id': null,
    'tgw-pair-attachment-id': null,
    'packets-lost-no-route': null,
    'packets-lost-blackhole': null,
    'packets-lost-mtu-exceeded': null,
    'packets-lost-ttl-expired': null,
    'ecs-cluster-arn': null,
    'ecs-cluster-name': null,
    'ecs-container-instance-arn': null,
    'ecs-container-instance-id': null,
    'ecs-container-id': null,
    'ecs-second-container-id': null,
    'ecs-service-name': null,
    'ecs-task-definition-arn': null,
    'ecs-task-arn': null,
    'ecs-task-id': null,
    'reject-reason': null,
    'resource-id': null,
    'encryption-status': null,
  };
}

/**
 * Scripted events for the live demo, on a schedule in event time that follows from the seed alone:
 *
 * - spike: for a few seconds one talker moves several times the estate's normal byte rate (an
 *   instance uploading to one internet host, or one internet host flooding a web server);
 * - scan: one internet source sends SYNs to consecutive ports of one exposed interface, all
 *   REJECTed (one record per port, as nmap's SYN scan with a fixed source port produces);
 * - burst: for a while far more records are NODATA (idle interfaces) or SKIPDATA (capacity errors).
 *
 * Each kind recurs after a random gap; the first of each comes within the first two minutes, so
 * a short test run sees them. External actors get fresh addresses, so their traffic is theirs alone.
 */
import { publicIpv4 } from './addresses.js';
import { TCP } from './profiles.js';
import type { Flow, TrafficModel } from './traffic.js';
import type { Random } from './random.js';
import type { Eni } from './topology.js';

/**
 * Mean bytes of an ordinary record (measured over 1 M records with the default options, elephants
 * included, rounded). A spike adds (factor - 1) times this for every ordinary record.
 */
const MEAN_RECORD_BYTES = 20_000;
/** Share of records a spike takes over; each carries correspondingly more bytes. */
const SPIKE_SHARE = 0.02;
/** Ports a scan probes per second of event time (at most 30 % of all records). */
const SCAN_PORTS_PER_SECOND = 300;
const BURST_RATIO = 0.25;

export type ScenarioKind = 'spike' | 'scan' | 'nodata-burst' | 'skipdata-burst';

/** What is going on, for the demo to announce. */
export interface ScenarioEvent {
  readonly kind: ScenarioKind;
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** Source address of the spike or scan. */
  readonly source: string | null;
  /** Interface that the spike or scan involves. */
  readonly interfaceId: string | null;
}

interface Spike extends ScenarioEvent {
  readonly eni: Eni;
  readonly egress: boolean;
  readonly peer: string;
  readonly firstPort: number;
  readonly bytesPerRecord: number;
}

interface Scan extends ScenarioEvent {
  readonly eni: Eni;
  readonly srcport: number;
  nextPort: number;
  readonly share: number;
}

/** [first start after the clock starts, then gap between events, duration] ranges in seconds. */
const SCHEDULE = {
  spike: { first: [10, 30], gap: [45, 120], duration: [3, 8] },
  scan: { first: [20, 60], gap: [60, 180], duration: [5, 15] },
  burst: { first: [40, 100], gap: [120, 300], duration: [5, 20] },
} as const;

export class Scenarios {
  spike: Spike | null = null;
  scan: Scan | null = null;
  /** Extra NODATA / SKIPDATA share while a burst runs. */
  nodataBoost = 0;
  skipdataBoost = 0;
  private burst: ScenarioEvent | null = null;
  private nextSpike: number;
  private nextScan: number;
  private nextBurst: number;
  private nextChange: number;

  constructor(
    private readonly traffic: TrafficModel,
    /** Draws the schedule and each event's actors, independent of the record stream. */
    private readonly random: Random,
    private readonly recordsPerSecond: number,
    startSeconds: number,
  ) {
    this.nextSpike = startSeconds + this.between(SCHEDULE.spike.first);
    this.nextScan = startSeconds + this.between(SCHEDULE.scan.first);
    this.nextBurst = startSeconds + this.between(SCHEDULE.burst.first);
    this.nextChange = Math.min(this.nextSpike, this.nextScan, this.nextBurst);
  }

  get active(): ScenarioEvent[] {
    return [this.spike, this.scan, this.burst].filter((e): e is ScenarioEvent => e !== null);
  }

  /** Start and end events as the clock (whole seconds) passes their times. Cheap when nothing changes. */
  update(now: number): void {
    if (now < this.nextChange) return;
    if (this.spike !== null && now >= this.spike.endSeconds) this.spike = null;
    if (this.scan !== null && now >= this.scan.endSeconds) this.scan = null;
    if (this.burst !== null && now >= this.burst.endSeconds) {
      this.burst = null;
      this.nodataBoost = 0;
      this.skipdataBoost = 0;
    }
    if (now >= this.nextSpike) this.startSpike(now);
    if (now >= this.nextScan) this.startScan(now);
    if (now >= this.nextBurst) this.startBurst(now);
    this.nextChange = Math.min(
      this.spike?.endSeconds ?? Infinity,
      this.scan?.endSeconds ?? Infinity,
      this.burst?.endSeconds ?? Infinity,
      this.nextSpike,
      this.nextScan,
      this.nextBurst,
    );
  }

  /** Share of records that belong to the running scan, then to the running spike. */
  get scanShare(): number {
    return this.scan === null ? 0 : this.scan.share;
  }

  get spikeShare(): number {
    return this.spike === null ? 0 : SPIKE_SHARE;
  }

  fillSpike(flow: Flow, random: Random): void {
    const spike = this.spike!;
    const eni = spike.eni;
    flow.eni = eni;
    flow.rejected = false;
    flow.ipv6 = false;
    flow.atClock = true;
    flow.protocol = TCP;
    flow.egress = spike.egress;
    flow.trafficPath = spike.egress ? this.traffic.internetPath(eni, false) : null;
    flow.srcService = null;
    flow.dstService = null;
    // A handful of parallel connections, as a bulk upload or a flood uses.
    const port = spike.firstPort + random.int(4);
    flow.srcaddr = spike.egress ? eni.ipv4 : spike.peer;
    flow.srcport = port;
    flow.dstaddr = spike.egress ? spike.peer : eni.ipv4;
    flow.dstport = 443;
    flow.pktSrcaddr = flow.srcaddr;
    flow.pktDstaddr = flow.dstaddr;
    flow.bytes = Math.round(spike.bytesPerRecord * (0.5 + random.float()));
    flow.packets = Math.max(1, Math.round(flow.bytes / 1400));
    flow.tcpFlags = 0;
    flow.durationSeconds = 1;
  }

  fillScan(flow: Flow): void {
    const scan = this.scan!;
    const eni = scan.eni;
    flow.eni = eni;
    flow.rejected = true;
    flow.ipv6 = false;
    flow.atClock = true;
    flow.protocol = TCP;
    flow.egress = false;
    flow.trafficPath = null;
    flow.srcService = null;
    flow.dstService = null;
    flow.srcaddr = scan.source!;
    flow.srcport = scan.srcport;
    flow.dstaddr = eni.ipv4;
    flow.dstport = scan.nextPort;
    scan.nextPort = scan.nextPort === 65535 ? 1 : scan.nextPort + 1;
    flow.pktSrcaddr = flow.srcaddr;
    flow.pktDstaddr = flow.dstaddr;
    flow.packets = 1;
    flow.bytes = 44;
    flow.tcpFlags = 2;
    flow.durationSeconds = 0;
  }

  private startSpike(now: number): void {
    const random = this.random;
    const egress = random.float() < 0.5;
    // Uploads come from any instance; floods target what the internet can reach.
    const eni = (egress ? this.traffic.enis : this.traffic.publicEnis).pick(random);
    const peer = egress ? this.traffic.servers.pick(random) : publicIpv4(random);
    const factor = 4 + random.int(5);
    const endSeconds = now + this.between(SCHEDULE.spike.duration);
    this.spike = {
      kind: 'spike',
      startSeconds: now,
      endSeconds,
      source: egress ? eni.ipv4 : peer,
      interfaceId: eni.id,
      eni,
      egress,
      peer,
      firstPort: egress ? this.traffic.ephemeralPort(eni) : this.traffic.clientPort(),
      bytesPerRecord: ((factor - 1) * MEAN_RECORD_BYTES) / SPIKE_SHARE,
    };
    this.nextSpike = endSeconds + this.between(SCHEDULE.spike.gap);
  }

  private startScan(now: number): void {
    const random = this.random;
    const eni = this.traffic.publicEnis.pick(random);
    const endSeconds = now + this.between(SCHEDULE.scan.duration);
    this.scan = {
      kind: 'scan',
      startSeconds: now,
      endSeconds,
      source: publicIpv4(random),
      interfaceId: eni.id,
      eni,
      srcport: 1024 + random.int(64512),
      nextPort: 1 + random.int(1024),
      share: Math.min(0.3, SCAN_PORTS_PER_SECOND / this.recordsPerSecond),
    };
    this.nextScan = endSeconds + this.between(SCHEDULE.scan.gap);
  }

  private startBurst(now: number): void {
    const nodata = this.random.float() < 0.6;
    const endSeconds = now + this.between(SCHEDULE.burst.duration);
    this.burst = { kind: nodata ? 'nodata-burst' : 'skipdata-burst', startSeconds: now, endSeconds, source: null, interfaceId: null };
    this.nodataBoost = nodata ? BURST_RATIO : 0;
    this.skipdataBoost = nodata ? 0 : BURST_RATIO;
    this.nextBurst = endSeconds + this.between(SCHEDULE.burst.gap);
  }

  private between([low, high]: readonly [number, number]): number {
    return low + this.random.int(high - low + 1);
  }
}

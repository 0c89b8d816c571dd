/**
 * The flow model: what one interface saw of one conversation during one aggregation interval.
 *
 * A draw picks an interface (Zipf popularity), a conversation that suits its role (web servers take
 * internet clients, applications call databases, workers call S3, NAT gateways translate), then
 * which half of the conversation this record is: the request (client to server) or the response.
 * flow-direction, traffic-path, ports and the packet-level addresses all follow from that, as
 * AWS writes them. Sizes are log-normal with rare Pareto elephants, so heavy hitters exist.
 *
 * Results go into a reused `Flow`, so a draw allocates nothing.
 */
import type { AddressPools, AwsService } from './addresses.js';
import {
  AWS_IN, AWS_OUT, BLOCKED_EGRESS_PORTS, CALLEES, CALLERS, DNS, ELEPHANT_RATIO, FLAGS_LONG_REQUEST, FLAGS_LONG_RESPONSE,
  FLAGS_ONE_PACKET_REQUEST, FLAGS_ONE_PACKET_RESPONSE, FLAGS_SHORT_REQUEST, FLAGS_SHORT_RESPONSE, INBOUND_SERVICES, INTERNAL_IN,
  INTERNAL_OUT, INTERNET_IN, INTERNET_OUT, KINDS, MANAGEMENT_PORTS, MAX_ELEPHANT_PACKETS, NAT, ON_PREMISES_PORTS, OUTBOUND_PORTS,
  OUTBOUND_SERVICES, PING, PROBE_PORTS, PUBLIC_PORTS, TCP, UDP,
} from './profiles.js';
import { type Random, type Weighted, zipf } from './random.js';
import type { Eni, Role, Topology, Vpc } from './topology.js';

const ICMP = 1;
const ICMPV6 = 58;

/** traffic-path values; AWS reports 7 and 8 only for Nitro instances, which otherwise see 2. */
const PATH_SAME_VPC = 1;
const PATH_INTERNET_GATEWAY = 2;
const PATH_VIRTUAL_PRIVATE_GATEWAY = 3;
const PATH_PEERING = 4;
const PATH_INTER_REGION_PEERING = 5;
const PATH_GATEWAY_ENDPOINT_NITRO = 7;
const PATH_INTERNET_GATEWAY_NITRO = 8;

/** One flow on one interface: the scratch the model fills and the generator turns into a record. */
export class Flow {
  eni: Eni;
  srcaddr = '';
  dstaddr = '';
  /** Differ from srcaddr/dstaddr only on the inner legs of NAT gateway traffic. */
  pktSrcaddr = '';
  pktDstaddr = '';
  srcport = 0;
  dstport = 0;
  protocol = TCP;
  packets = 1;
  bytes = 0;
  tcpFlags = 0;
  rejected = false;
  ipv6 = false;
  egress = false;
  /** Only egress records have one. */
  trafficPath: number | null = null;
  srcService: string | null = null;
  dstService: string | null = null;
  durationSeconds = 0;
  /** Scenario records end at the clock's current second instead of anywhere in its last minute. */
  atClock = false;

  constructor(eni: Eni) {
    this.eni = eni;
  }
}

export interface TrafficOptions {
  /** Zipf exponent for interface and peer popularity. */
  skew: number;
}

export class TrafficModel {
  private readonly random: Random;
  private readonly pools: AddressPools;
  private readonly vpcs: readonly Vpc[];
  readonly enis: Weighted<Eni>;
  private readonly dualStackEnis: Weighted<Eni>;
  /** Non-NAT interfaces in public subnets: what internet probes reach. */
  readonly publicEnis: Weighted<Eni>;
  private readonly clients: Weighted<string>;
  readonly servers: Weighted<string>;
  private readonly ipv6Clients: Weighted<string>;
  private readonly ipv6Servers: Weighted<string>;
  private readonly services: Map<string, Map<string, AwsService>>;

  /** `random` shuffles the popularity ranks once, then serves the per-record draws. */
  constructor(topology: Topology, pools: AddressPools, random: Random, options: TrafficOptions) {
    this.random = random;
    this.pools = pools;
    this.vpcs = topology.vpcs;
    const dualStack = topology.enis.filter((e) => e.ipv6 !== null);
    const exposed = dualStack.filter((e) => e.publicSubnet);
    this.enis = zipf(topology.enis, options.skew, random);
    this.dualStackEnis = zipf(dualStack, options.skew, random);
    this.publicEnis = zipf(exposed.length > 0 ? exposed : dualStack, options.skew, random);
    this.clients = zipf(pools.internetClients, options.skew, random);
    this.servers = zipf(pools.internetServers, options.skew, random);
    this.ipv6Clients = zipf(pools.ipv6Clients, options.skew, random);
    this.ipv6Servers = zipf(pools.ipv6Servers, options.skew, random);
    this.services = new Map(Object.entries(pools.services).map(([region, list]) => [region, new Map(list.map((s) => [s.name, s]))]));
  }

  /** Fill `flow` with an accepted flow, or a rejected one when `rejected`. */
  draw(flow: Flow, rejected: boolean, ipv6: boolean): void {
    flow.rejected = rejected;
    flow.ipv6 = ipv6;
    flow.atClock = false;
    flow.srcService = null;
    flow.dstService = null;
    if (rejected) return this.drawRejected(flow, ipv6);
    const random = this.random;
    const eni = (ipv6 ? this.dualStackEnis : this.enis).pick(random);
    flow.eni = eni;
    const local = ipv6 ? eni.ipv6! : eni.ipv4;
    let kind = KINDS[eni.role].pick(random);
    if (ipv6 && kind === AWS_OUT) kind = INTERNET_OUT;
    if (ipv6 && kind === AWS_IN) kind = INTERNET_IN;
    if (kind === NAT) return this.drawNat(flow, eni);
    let protocol = TCP;
    switch (kind) {
      case INTERNET_IN: {
        const port = (PUBLIC_PORTS[eni.role] ?? PUBLIC_PORTS.web!).pick(random);
        const peer = (ipv6 ? this.ipv6Clients : this.clients).pick(random);
        return this.converse(flow, false, local, port, peer, this.clientPort(), TCP, this.internetPath(eni, ipv6), null);
      }
      case AWS_IN: {
        const service = this.service(eni, INBOUND_SERVICES.pick(random));
        const peer = service.addresses[random.int(service.addresses.length)]!;
        const port = service.name === 'ROUTE53_HEALTHCHECKS' && random.float() < 0.3 ? 80 : 443;
        return this.converse(flow, false, local, port, peer, this.clientPort(), TCP, this.internetPath(eni, ipv6), service.name);
      }
      case INTERNET_OUT:
      case DNS: {
        let peer: string;
        let port: number;
        if (kind === DNS) {
          const resolvers = ipv6 ? this.pools.ipv6Resolvers : this.pools.resolvers;
          peer = resolvers[random.int(resolvers.length)]!;
          port = 53;
          protocol = random.float() < 0.95 ? UDP : TCP;
        } else {
          const target = OUTBOUND_PORTS.pick(random);
          peer = (ipv6 ? this.ipv6Servers : this.servers).pick(random);
          port = target.port;
          protocol = target.protocol;
        }
        return this.converse(flow, true, local, this.ephemeralPort(eni), peer, port, protocol, this.internetPath(eni, ipv6), null);
      }
      case AWS_OUT: {
        const service = this.service(eni, OUTBOUND_SERVICES.pick(random));
        const peer = service.addresses[random.int(service.addresses.length)]!;
        const path = service.gatewayEndpoint ? (eni.nitro ? PATH_GATEWAY_ENDPOINT_NITRO : PATH_INTERNET_GATEWAY) : this.internetPath(eni, ipv6);
        return this.converse(flow, true, local, this.ephemeralPort(eni), peer, 443, TCP, path, service.name);
      }
      case INTERNAL_OUT: {
        const u = random.float();
        if (u < 0.03 && !ipv6) {
          const peer = this.pools.onPremises[random.int(this.pools.onPremises.length)]!;
          return this.converse(flow, true, local, this.ephemeralPort(eni), peer, ON_PREMISES_PORTS.pick(random), TCP, PATH_VIRTUAL_PRIVATE_GATEWAY, null);
        }
        // A few calls cross a VPC peering connection, which is inter-region when the regions differ.
        const peered = u < 0.08 ? this.vpcs[random.int(this.vpcs.length)]! : eni.vpc;
        const vpc = peered.dualStack.length > 0 ? peered : eni.vpc;
        const path = vpc === eni.vpc ? PATH_SAME_VPC : vpc.region === eni.vpc.region ? PATH_PEERING : PATH_INTER_REGION_PEERING;
        const callee = this.member(vpc, CALLEES[eni.role].pick(random));
        const port = eni.role === 'bastion' ? 22 : callee.servicePort;
        return this.converse(flow, true, local, this.ephemeralPort(eni), ipv6 ? callee.ipv6! : callee.ipv4, port, TCP, path, null);
      }
      case INTERNAL_IN: {
        const caller = this.member(eni.vpc, CALLERS[eni.role].pick(random));
        return this.converse(flow, false, local, eni.servicePort, ipv6 ? caller.ipv6! : caller.ipv4, this.ephemeralPort(caller), TCP, PATH_SAME_VPC, null);
      }
      case PING:
      default: {
        // Ping: to a neighbour or to the internet. ICMP has no ports; AWS writes 0.
        const internal = random.float() < 0.7;
        const neighbour = this.member(eni.vpc, 'app');
        const peer = internal ? (ipv6 ? neighbour.ipv6! : neighbour.ipv4) : (ipv6 ? this.ipv6Servers : this.servers).pick(random);
        return this.converse(flow, true, local, 0, peer, 0, ipv6 ? ICMPV6 : ICMP, internal ? PATH_SAME_VPC : this.internetPath(eni, ipv6), null);
      }
    }
  }

  /**
   * Orient a conversation between the interface (`local`) and `peer`: the record is the request
   * (client to server) or the response, at even odds. The interface sends the request when it is
   * the client; whatever it sends is egress and carries the egress path.
   */
  private converse(flow: Flow, eniIsClient: boolean, local: string, localPort: number, peer: string, peerPort: number, protocol: number, path: number, peerService: string | null): void {
    const response = this.random.float() < 0.5;
    const eniSends = eniIsClient !== response;
    flow.protocol = protocol;
    flow.egress = eniSends;
    flow.trafficPath = eniSends ? path : null;
    if (eniSends) {
      flow.srcaddr = local;
      flow.srcport = localPort;
      flow.dstaddr = peer;
      flow.dstport = peerPort;
      flow.dstService = peerService;
    } else {
      flow.srcaddr = peer;
      flow.srcport = peerPort;
      flow.dstaddr = local;
      flow.dstport = localPort;
      flow.srcService = peerService;
    }
    flow.pktSrcaddr = flow.srcaddr;
    flow.pktDstaddr = flow.dstaddr;
    this.size(flow, response);
  }

  /**
   * A NAT gateway's interface sees four legs of each translated conversation; the inner two carry
   * the internet host as the packet-level address (pkt-dstaddr / pkt-srcaddr), as AWS documents.
   */
  private drawNat(flow: Flow, nat: Eni): void {
    const random = this.random;
    const inner = this.member(nat.vpc, random.float() < 0.7 ? 'app' : 'worker');
    const server = this.servers.pick(random);
    const target = OUTBOUND_PORTS.pick(random);
    const innerPort = this.ephemeralPort(inner);
    const natPort = 1024 + random.int(64512);
    const leg = random.int(4);
    flow.protocol = target.protocol;
    flow.egress = leg === 1 || leg === 3;
    flow.trafficPath = leg === 1 ? PATH_INTERNET_GATEWAY : leg === 3 ? PATH_SAME_VPC : null;
    if (leg === 0) this.addresses(flow, inner.ipv4, innerPort, nat.ipv4, target.port, inner.ipv4, server);
    else if (leg === 1) this.addresses(flow, nat.ipv4, natPort, server, target.port, nat.ipv4, server);
    else if (leg === 2) this.addresses(flow, server, target.port, nat.ipv4, natPort, server, nat.ipv4);
    else this.addresses(flow, nat.ipv4, target.port, inner.ipv4, innerPort, server, inner.ipv4);
    this.size(flow, leg >= 2);
  }

  private addresses(flow: Flow, src: string, srcport: number, dst: string, dstport: number, pktSrc: string, pktDst: string): void {
    flow.srcaddr = src;
    flow.srcport = srcport;
    flow.dstaddr = dst;
    flow.dstport = dstport;
    flow.pktSrcaddr = pktSrc;
    flow.pktDstaddr = pktDst;
  }

  /** Rejected traffic: internet probes on exposed interfaces, refused internal calls, blocked egress. */
  private drawRejected(flow: Flow, ipv6: boolean): void {
    const random = this.random;
    const u = random.float();
    let eni: Eni;
    if (u < 0.75) {
      eni = this.publicEnis.pick(random);
      const scanners = ipv6 ? this.pools.ipv6Scanners : this.pools.scanners;
      const target = PROBE_PORTS.pick(random);
      this.reject(flow, eni, false, scanners[random.int(scanners.length)]!, 1024 + random.int(64512), target.port, target.protocol, null);
    } else if (u < 0.93) {
      eni = this.dualStackEnis.pick(random);
      const caller = this.member(eni.vpc, 'worker');
      const port = random.float() < 0.5 && eni.servicePort !== 0 ? eni.servicePort : MANAGEMENT_PORTS.pick(random);
      this.reject(flow, eni, false, ipv6 ? caller.ipv6! : caller.ipv4, this.ephemeralPort(caller), port, TCP, null);
    } else {
      eni = this.dualStackEnis.pick(random);
      const peer = (ipv6 ? this.ipv6Servers : this.servers).pick(random);
      this.reject(flow, eni, true, peer, this.ephemeralPort(eni), BLOCKED_EGRESS_PORTS.pick(random), TCP, this.internetPath(eni, ipv6));
    }
  }

  private reject(flow: Flow, eni: Eni, egress: boolean, peer: string, peerOrLocalPort: number, port: number, protocol: number, path: number | null): void {
    const random = this.random;
    const local = flow.ipv6 ? eni.ipv6! : eni.ipv4;
    flow.eni = eni;
    flow.protocol = protocol;
    flow.egress = egress;
    flow.trafficPath = path;
    flow.srcaddr = egress ? local : peer;
    flow.dstaddr = egress ? peer : local;
    flow.srcport = peerOrLocalPort;
    flow.dstport = port;
    flow.pktSrcaddr = flow.srcaddr;
    flow.pktDstaddr = flow.dstaddr;
    // Unanswered SYNs (and UDP probes): the client retransmits once or twice, a second or more apart.
    flow.packets = random.float() < 0.7 ? 1 : 2 + random.int(2);
    flow.durationSeconds = flow.packets === 1 ? 0 : 1 + random.int(3);
    const perPacket = protocol === TCP ? (random.float() < 0.5 ? 44 : 60) + (flow.ipv6 ? 20 : 0) : 40 + random.int(80);
    flow.bytes = flow.packets * perPacket;
    flow.tcpFlags = protocol === TCP ? 2 : 0;
  }

  /** Packets, bytes, duration and tcp-flags for an accepted record; `toClient` is the response half. */
  private size(flow: Flow, toClient: boolean): void {
    const random = this.random;
    const protocol = flow.protocol;
    if (protocol !== TCP) {
      flow.tcpFlags = 0;
      if (protocol === UDP) {
        flow.packets = random.float() < 0.8 ? 1 : 2 + random.int(4);
        flow.bytes = flow.packets * (flow.dstport === 123 || flow.srcport === 123 ? 76 : toClient ? 80 + random.int(433) : 60 + random.int(61));
        flow.durationSeconds = random.int(2);
      } else {
        // ping sends one echo a second
        flow.packets = 1 + random.int(10);
        flow.bytes = flow.packets * (flow.ipv6 ? 104 : 84);
        flow.durationSeconds = flow.packets - 1;
      }
      return;
    }
    // Most bytes flow server to client (downloads, query results); a fifth of conversations upload.
    const carriesData = random.float() < (toClient ? 0.8 : 0.2);
    let packets: number;
    if (carriesData && random.float() < ELEPHANT_RATIO) {
      packets = Math.min(MAX_ELEPHANT_PACKETS, Math.floor(100_000 * Math.pow(1 - random.float(), -1 / 1.3)));
    } else {
      packets = 1 + Math.floor(Math.exp(1.6 + 1.5 * random.normal()));
    }
    const long = packets >= 200 || random.float() < 0.35;
    flow.packets = packets;
    flow.durationSeconds = long ? 30 + random.int(31) : random.int(4);
    if (packets === 1) {
      flow.bytes = 40 + random.int(21);
      flow.tcpFlags = (toClient ? FLAGS_ONE_PACKET_RESPONSE : FLAGS_ONE_PACKET_REQUEST).pick(random);
    } else {
      flow.bytes = packets * (carriesData ? 900 + random.int(549) : 52 + random.int(100));
      flow.tcpFlags = (long ? (toClient ? FLAGS_LONG_RESPONSE : FLAGS_LONG_REQUEST) : toClient ? FLAGS_SHORT_RESPONSE : FLAGS_SHORT_REQUEST).pick(random);
    }
  }

  /** Public subnets route to the internet gateway; private ones to the NAT gateway (same VPC), except IPv6, which leaves through an egress-only gateway. */
  internetPath(eni: Eni, ipv6: boolean): number {
    if (!eni.publicSubnet && !ipv6) return PATH_SAME_VPC;
    return eni.nitro ? PATH_INTERNET_GATEWAY_NITRO : PATH_INTERNET_GATEWAY;
  }

  /** A client port on an interface, from its OS's ephemeral range. */
  ephemeralPort(eni: Eni): number {
    return eni.ephemeralMin + this.random.int(eni.ephemeralSpan);
  }

  /** A client port of an internet host: Linux or Windows/BSD ranges, behind NAT anything above 1024. */
  clientPort(): number {
    const u = this.random.float();
    return u < 0.45 ? 32768 + this.random.int(28232) : u < 0.9 ? 49152 + this.random.int(16384) : 1024 + this.random.int(64512);
  }

  /** An interface of `role` in `vpc`, or any dual-stack one when the VPC has none. */
  private member(vpc: Vpc, role: Role): Eni {
    const list = vpc.byRole[role].length > 0 ? vpc.byRole[role] : vpc.dualStack;
    return list[this.random.int(list.length)]!;
  }

  private service(eni: Eni, name: string): AwsService {
    return this.services.get(eni.vpc.region)!.get(name)!;
  }
}

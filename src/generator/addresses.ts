/**
 * Address text for the generator: public IPv4 outside reserved space, addresses inside a prefix,
 * IPv6 interface addresses, and the pools of peers that flows are drawn from.
 *
 * Every address is a pre-built string, so the per-record loop only picks from arrays.
 * IPv6 text is canonical (RFC 5952): lowercase, no leading zeros, and no zero groups at all, so
 * no `::` compression is ever needed.
 */
import type { Random } from './random.js';

/** True for the special-purpose blocks of RFC 6890 (and multicast/class E), documentation blocks included. */
function reservedIpv4(a: number, b: number, c: number): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 ||
    (a === 100 && b >= 64 && b < 128) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 192 && b === 88 && c === 99) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113)
  );
}

/** A public unicast IPv4 address; host parts .0 and .255 are avoided as they rarely appear. */
export function publicIpv4(random: Random): string {
  for (;;) {
    const a = 1 + random.int(223);
    const b = random.int(256);
    const c = random.int(256);
    if (!reservedIpv4(a, b, c)) return `${a}.${b}.${c}.${1 + random.int(254)}`;
  }
}

/** A host address inside an IPv4 prefix such as `52.216.0.0/15`. */
function ipv4InPrefix(prefix: string, random: Random): string {
  const [base, length] = prefix.split('/') as [string, string];
  const octets = base.split('.').map(Number);
  const start = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const size = 2 ** (32 - Number(length));
  const address = start + 1 + random.int(size - 2);
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

/** A non-zero 16-bit group in hex. */
function ipv6Group(random: Random): string {
  return (1 + random.int(0xffff)).toString(16);
}

/** An interface address in a /64 given by its first four groups (`2600:1f18:6d2a:4c01`). */
export function ipv6InPrefix64(prefix64: string, random: Random): string {
  return `${prefix64}:${ipv6Group(random)}:${ipv6Group(random)}:${ipv6Group(random)}:${ipv6Group(random)}`;
}

/** Realistic first groups of public IPv6 peers (Google, Cloudflare, Meta, Hetzner, ISPs ...). */
const IPV6_PEER_PREFIXES = ['2a00:1450', '2606:4700', '2001:4860', '2a03:2880', '2604:a880', '2a01:4f8', '2401:db00', '2a02:26f0', '2600:3c00', '2c0f:fb50'];

function publicIpv6(random: Random): string {
  const prefix = IPV6_PEER_PREFIXES[random.int(IPV6_PEER_PREFIXES.length)]!;
  return `${prefix}:${ipv6Group(random)}:${ipv6Group(random)}:${ipv6Group(random)}:${ipv6Group(random)}:${ipv6Group(random)}:${ipv6Group(random)}`;
}

/** An AWS service as `pkt-src-aws-service`/`pkt-dst-aws-service` name it, with addresses from its published ranges. */
export interface AwsService {
  readonly name: string;
  /** Reached through a gateway VPC endpoint (S3, DynamoDB), which changes traffic-path. */
  readonly gatewayEndpoint: boolean;
  readonly addresses: readonly string[];
}

/** Published ip-ranges.json prefixes; S3 and DynamoDB are regional, so us-west-2 gets its own. */
const SERVICE_PREFIXES: Record<string, readonly (readonly [string, boolean, readonly string[]])[]> = {
  'us-east-1': [
    ['S3', true, ['52.216.0.0/15', '54.231.0.0/16', '3.5.0.0/19']],
    ['DYNAMODB', true, ['52.94.0.0/22', '3.218.180.0/22']],
    ['EC2', false, ['3.80.0.0/12', '54.144.0.0/14', '44.192.0.0/11']],
    ['AMAZON', false, ['52.46.0.0/18', '52.119.224.0/21']],
    ['CLOUDFRONT', false, ['13.32.0.0/15', '99.84.0.0/16']],
    ['ROUTE53_HEALTHCHECKS', false, ['54.243.31.192/26', '107.23.255.0/26']],
  ],
  'us-west-2': [
    ['S3', true, ['52.218.128.0/17', '3.5.76.0/22']],
    ['DYNAMODB', true, ['52.94.8.0/24']],
    ['EC2', false, ['34.208.0.0/12', '54.184.0.0/13']],
    ['AMAZON', false, ['52.94.248.0/22']],
    ['CLOUDFRONT', false, ['13.32.0.0/15', '99.84.0.0/16']],
    ['ROUTE53_HEALTHCHECKS', false, ['54.244.52.192/26', '54.245.168.0/26']],
  ],
};

export const REGIONS = Object.keys(SERVICE_PREFIXES);

/** Everyone outside the VPCs that flows talk to. */
export interface AddressPools {
  /** Internet clients of public services; drawn with Zipf popularity. */
  readonly internetClients: readonly string[];
  /** Internet servers that instances call out to; drawn with Zipf popularity. */
  readonly internetServers: readonly string[];
  /** Sources of rejected probes; drawn uniformly, as scanners are many and each is brief. */
  readonly scanners: readonly string[];
  readonly ipv6Clients: readonly string[];
  readonly ipv6Servers: readonly string[];
  readonly ipv6Scanners: readonly string[];
  /** Public DNS resolvers. Queries to the VPC's own resolver are never logged by AWS, so none appear. */
  readonly resolvers: readonly string[];
  readonly ipv6Resolvers: readonly string[];
  /** Data-centre hosts reached over a virtual private gateway (traffic-path 3). */
  readonly onPremises: readonly string[];
  /** AWS services per region. */
  readonly services: Readonly<Record<string, readonly AwsService[]>>;
}

function many<T>(count: number, make: () => T): T[] {
  return Array.from({ length: count }, make);
}

export function createAddressPools(random: Random): AddressPools {
  const services: Record<string, AwsService[]> = {};
  for (const [region, list] of Object.entries(SERVICE_PREFIXES)) {
    services[region] = list.map(([name, gatewayEndpoint, prefixes]) => ({
      name,
      gatewayEndpoint,
      addresses: many(256, () => ipv4InPrefix(prefixes[random.int(prefixes.length)]!, random)),
    }));
  }
  return {
    internetClients: many(20_000, () => publicIpv4(random)),
    internetServers: many(2_000, () => publicIpv4(random)),
    scanners: many(3_000, () => publicIpv4(random)),
    ipv6Clients: many(2_000, () => publicIpv6(random)),
    ipv6Servers: many(500, () => publicIpv6(random)),
    ipv6Scanners: many(300, () => publicIpv6(random)),
    resolvers: ['8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1', '9.9.9.9', '208.67.222.222'],
    ipv6Resolvers: ['2001:4860:4860::8888', '2606:4700:4700::1111'],
    onPremises: many(200, () => `10.200.${random.int(64)}.${1 + random.int(254)}`),
    services,
  };
}

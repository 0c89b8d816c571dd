/**
 * The simulated estate: accounts, VPCs, subnets across three AZs, and the network interfaces
 * (ENIs) whose flows are logged, each with a role that decides what traffic it sees.
 *
 * Layout per VPC: a public and a private /20 subnet in each of three AZs; the first VPC also has a
 * private subnet on an Outpost (sublocation fields). Public subnets hold web servers, load
 * balancers, bastions and NAT gateways; private subnets hold applications, workers, databases and
 * caches. Every interface except NAT gateways is dual-stack.
 */
import { REGIONS, ipv6InPrefix64 } from './addresses.js';
import { type Random, weighted } from './random.js';

export type Role = 'web' | 'lb' | 'bastion' | 'nat' | 'app' | 'worker' | 'db' | 'cache';

const ROLES: readonly Role[] = ['web', 'lb', 'bastion', 'nat', 'app', 'worker', 'db', 'cache'];

export interface Eni {
  readonly id: string;
  /** Owner account; 'unknown' for some load-balancer interfaces, as AWS writes for service-created ENIs. */
  readonly accountId: string;
  readonly vpc: Vpc;
  readonly subnetId: string;
  readonly azId: string;
  /** Null for interfaces that no instance of yours owns (NAT gateways, load balancers). */
  readonly instanceId: string | null;
  readonly ipv4: string;
  /** Null for NAT gateways, which are IPv4-only. */
  readonly ipv6: string | null;
  readonly role: Role;
  readonly publicSubnet: boolean;
  /** Nitro instances report traffic-path 7/8 for gateway endpoints / internet gateways instead of 2. */
  readonly nitro: boolean;
  /** The port this interface serves on (0 for NAT gateways). */
  readonly servicePort: number;
  /** Ephemeral port range of the OS: Linux 32768–60999, Windows 49152–65535. */
  readonly ephemeralMin: number;
  readonly ephemeralSpan: number;
  readonly sublocationType: string | null;
  readonly sublocationId: string | null;
}

export interface Subnet {
  readonly id: string;
  readonly azId: string;
  readonly cidr: string;
  readonly ipv6Cidr: string;
  readonly public: boolean;
  /** The Outpost id for the Outpost subnet, else null. */
  readonly sublocationId: string | null;
}

export interface Vpc {
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  readonly cidr: string;
  readonly ipv6Cidr: string;
  readonly subnets: readonly Subnet[];
  readonly enis: Eni[];
  /** Interfaces per role, for picking the other end of an internal flow. */
  readonly byRole: Record<Role, Eni[]>;
  /** Interfaces with an IPv6 address (all but NAT gateways). */
  readonly dualStack: Eni[];
}

export interface Topology {
  readonly accounts: readonly string[];
  readonly vpcs: readonly Vpc[];
  readonly enis: readonly Eni[];
}

export interface TopologyOptions {
  accounts: number;
  /** At least one per VPC (accounts + 1). */
  enis: number;
}

/** First two octets of each VPC's /16 (the third is the default VPC's range); later VPCs use 10.x. */
const VPC_BASES = ['10.0', '10.1', '172.31', '192.168'];
const AZ_IDS: Record<string, readonly string[]> = {
  'us-east-1': ['use1-az1', 'use1-az2', 'use1-az4'],
  'us-west-2': ['usw2-az1', 'usw2-az2', 'usw2-az3'],
};
/** Amazon-provided IPv6 pools of each region. */
const IPV6_POOLS: Record<string, string> = { 'us-east-1': '2600:1f18', 'us-west-2': '2600:1f14' };

const PUBLIC_ROLES = new Set<Role>(['web', 'lb', 'bastion', 'nat']);
/** Mix of non-NAT roles (NAT gateways are placed one per AZ). */
const ROLE_MIX = weighted<Role>(['web', 'lb', 'bastion', 'app', 'worker', 'db', 'cache'], [14, 8, 2, 32, 16, 14, 14]);

function hex(random: Random, digits: number): string {
  let text = '';
  for (let i = 0; i < digits; i++) text += '0123456789abcdef'[random.int(16)];
  return text;
}

/** AWS long resource ids: prefix, then 17 hex digits, the first of them 0. */
function resourceId(prefix: string, random: Random): string {
  return `${prefix}-0${hex(random, 16)}`;
}

function accountId(random: Random, leadingZero: boolean): string {
  let id = leadingZero ? '0' : String(1 + random.int(9));
  while (id.length < 12) id += String(random.int(10));
  return id;
}

function servicePort(role: Role, random: Random): number {
  const u = random.float();
  switch (role) {
    case 'web':
    case 'lb':
      return 443;
    case 'bastion':
      return 22;
    case 'nat':
      return 0;
    case 'app':
    case 'worker':
      return u < 0.8 ? 8080 : 9000;
    case 'db':
      return u < 0.6 ? 5432 : u < 0.9 ? 3306 : 27017;
    case 'cache':
      return u < 0.8 ? 6379 : 11211;
  }
}

/** Hosts already handed out per subnet id, so addresses stay unique. */
type Allocated = Map<string, Set<number>>;

export function createTopology(random: Random, options: TopologyOptions): Topology {
  const accounts = Array.from({ length: options.accounts }, (_, i) => accountId(random, i === 0));
  // The first account runs production and staging VPCs; each other account has one VPC, every third in us-west-2.
  const owners = [0, ...accounts.map((_, i) => i)];
  const vpcs = owners.map((owner, v) => createVpc(accounts[owner]!, REGIONS[owner % 3 === 2 ? 1 : 0]!, v, random));

  // Every VPC gets one interface; of the rest the production VPC takes three shares, the others one each.
  const shares = vpcs.map((_, v) => (v === 0 ? 3 : 1));
  const totalShares = shares.reduce((a, b) => a + b, 0);
  const spare = options.enis - vpcs.length;
  const allocated: Allocated = new Map();
  const enis: Eni[] = [];
  let assigned = 0;
  vpcs.forEach((vpc, v) => {
    const count = v === vpcs.length - 1 ? options.enis - assigned : 1 + Math.floor((spare * shares[v]!) / totalShares);
    assigned += count;
    const natCount = count >= 30 ? 3 : count >= 10 ? 1 : 0;
    for (let i = 0; i < count; i++) {
      const role: Role = i < natCount ? 'nat' : ROLE_MIX.pick(random);
      const eni = createEni(vpc, role, i, allocated, random);
      vpc.enis.push(eni);
      vpc.byRole[role].push(eni);
      if (eni.ipv6 !== null) vpc.dualStack.push(eni);
      enis.push(eni);
    }
  });
  return { accounts, vpcs, enis };
}

function createVpc(owner: string, region: string, index: number, random: Random): Vpc {
  const base = VPC_BASES[index] ?? `10.${index}`;
  const ipv6Prefix56 = `${IPV6_POOLS[region]}:${(0x1000 + random.int(0xf000)).toString(16)}:${(0x10 + random.int(0xf0)).toString(16)}`;
  const azs = AZ_IDS[region]!;
  // Subnets 0-2 public, 3-5 private, one per AZ each; subnet 6 (first VPC only) on an Outpost in the first AZ.
  const subnets = Array.from({ length: index === 0 ? 7 : 6 }, (_, s): Subnet => ({
    id: resourceId('subnet', random),
    azId: azs[s % 3]!,
    cidr: `${base}.${s * 16}.0/20`,
    ipv6Cidr: `${ipv6Prefix56}${s.toString(16).padStart(2, '0')}::/64`,
    public: s < 3,
    sublocationId: s === 6 ? resourceId('op', random) : null,
  }));
  return {
    id: resourceId('vpc', random),
    accountId: owner,
    region,
    cidr: `${base}.0.0/16`,
    ipv6Cidr: `${ipv6Prefix56}00::/56`,
    subnets,
    enis: [],
    byRole: Object.fromEntries(ROLES.map((r) => [r, []])) as unknown as Record<Role, Eni[]>,
    dualStack: [],
  };
}

function createEni(vpc: Vpc, role: Role, index: number, allocated: Allocated, random: Random): Eni {
  const isPublic = PUBLIC_ROLES.has(role);
  const az = role === 'nat' ? index : random.int(3);
  // A tenth of the production VPC's databases and applications run on the Outpost subnet.
  const onOutpost = vpc.subnets.length > 6 && (role === 'db' || role === 'app') && random.float() < 0.1;
  const subnet = vpc.subnets[onOutpost ? 6 : isPublic ? az : 3 + az]!;
  // Hosts 4..4094 of the /20: AWS reserves the first four addresses and the last.
  let used = allocated.get(subnet.id);
  if (used === undefined) allocated.set(subnet.id, (used = new Set()));
  let host: number;
  do host = 4 + random.int(4091);
  while (used.has(host));
  used.add(host);
  const [a, b, c] = subnet.cidr.split('.').map(Number) as [number, number, number];
  const ownedByService = role === 'nat' || role === 'lb';
  const linux = random.float() < 0.85;
  return {
    id: resourceId('eni', random),
    accountId: role === 'lb' && random.float() < 0.3 ? 'unknown' : vpc.accountId,
    vpc,
    subnetId: subnet.id,
    azId: subnet.azId,
    instanceId: ownedByService ? null : resourceId('i', random),
    ipv4: `${a}.${b}.${c + (host >> 8)}.${host & 0xff}`,
    ipv6: role === 'nat' ? null : ipv6InPrefix64(subnet.ipv6Cidr.replace('::/64', ''), random),
    role,
    publicSubnet: isPublic,
    nitro: !ownedByService && random.float() < 0.9,
    servicePort: servicePort(role, random),
    ephemeralMin: linux ? 32768 : 49152,
    ephemeralSpan: linux ? 60999 - 32768 + 1 : 65535 - 49152 + 1,
    sublocationType: subnet.sublocationId === null ? null : 'outpost',
    sublocationId: subnet.sublocationId,
  };
}

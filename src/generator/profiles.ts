/**
 * Who talks to whom, on which ports, with which TCP flags: the hand-tuned tables behind the flow
 * model. Weights are relative; each table is an alias table drawn in O(1).
 */
import { type Weighted, table } from './random.js';
import type { Role } from './topology.js';

export const TCP = 6;
export const UDP = 17;

interface Port {
  readonly port: number;
  readonly protocol: number;
}
const tcp = (port: number): Port => ({ port, protocol: TCP });
const udp = (port: number): Port => ({ port, protocol: UDP });

/** Kinds of conversation an interface takes part in. */
export const INTERNET_IN = 0;
export const INTERNET_OUT = 1;
export const DNS = 2;
export const INTERNAL_OUT = 3;
export const INTERNAL_IN = 4;
export const AWS_OUT = 5;
export const AWS_IN = 6;
export const PING = 7;
export const NAT = 8;

/** Which conversations each role takes part in. */
export const KINDS: Record<Role, Weighted<number>> = {
  web: table([[INTERNET_IN, 55], [AWS_IN, 8], [INTERNAL_OUT, 17], [INTERNAL_IN, 2], [INTERNET_OUT, 5], [DNS, 5], [AWS_OUT, 6], [PING, 2]]),
  lb: table([[INTERNET_IN, 60], [AWS_IN, 5], [INTERNAL_OUT, 35]]),
  bastion: table([[INTERNET_IN, 60], [INTERNAL_OUT, 30], [DNS, 5], [PING, 5]]),
  nat: table([[NAT, 1]]),
  app: table([[INTERNAL_IN, 35], [INTERNAL_OUT, 33], [AWS_OUT, 12], [INTERNET_OUT, 10], [DNS, 8], [PING, 2]]),
  worker: table([[INTERNET_OUT, 35], [AWS_OUT, 30], [INTERNAL_OUT, 22], [DNS, 10], [PING, 3]]),
  db: table([[INTERNAL_IN, 80], [INTERNAL_OUT, 5], [AWS_OUT, 8], [DNS, 3], [PING, 4]]),
  cache: table([[INTERNAL_IN, 90], [INTERNAL_OUT, 3], [DNS, 3], [PING, 4]]),
};
/** Whom each role calls inside the VPC (on the callee's service port; bastions use SSH). */
export const CALLEES: Record<Role, Weighted<Role>> = {
  web: table<Role>([['app', 70], ['cache', 15], ['db', 15]]),
  lb: table<Role>([['web', 60], ['app', 40]]),
  bastion: table<Role>([['app', 40], ['db', 20], ['web', 20], ['worker', 20]]),
  nat: table<Role>([['app', 1]]),
  app: table<Role>([['db', 40], ['cache', 30], ['app', 20], ['worker', 10]]),
  worker: table<Role>([['db', 40], ['cache', 20], ['app', 40]]),
  db: table<Role>([['db', 1]]),
  cache: table<Role>([['cache', 1]]),
};
/** Who calls each role inside the VPC. */
export const CALLERS: Record<Role, Weighted<Role>> = {
  web: table<Role>([['lb', 1]]),
  lb: table<Role>([['app', 1]]),
  bastion: table<Role>([['app', 1]]),
  nat: table<Role>([['app', 1]]),
  app: table<Role>([['lb', 30], ['web', 30], ['app', 25], ['worker', 15]]),
  worker: table<Role>([['app', 1]]),
  db: table<Role>([['app', 70], ['worker', 25], ['db', 5]]),
  cache: table<Role>([['app', 70], ['web', 15], ['worker', 15]]),
};
export const PUBLIC_PORTS: Partial<Record<Role, Weighted<number>>> = {
  web: table([[443, 70], [80, 25], [8443, 5]]),
  lb: table([[443, 75], [80, 25]]),
  bastion: table([[22, 1]]),
};
export const OUTBOUND_PORTS = table([[tcp(443), 78], [tcp(80), 12], [udp(123), 5], [tcp(22), 2], [tcp(587), 1], [tcp(9418), 2]]);
export const ON_PREMISES_PORTS = table([[443, 40], [1521, 15], [445, 15], [389, 15], [88, 15]]);
/** What internet scanners knock on. */
export const PROBE_PORTS = table([
  [tcp(22), 20], [tcp(23), 10], [tcp(3389), 12], [tcp(445), 8], [tcp(1433), 4], [tcp(3306), 5], [tcp(5900), 4],
  [tcp(8080), 6], [tcp(6379), 3], [tcp(25), 3], [tcp(80), 3], [tcp(443), 3], [tcp(8443), 2], [tcp(9200), 2],
  [tcp(2375), 2], [udp(53), 3], [udp(123), 2], [udp(161), 2], [udp(1900), 2], [udp(5060), 3],
]);
/** Ports the network ACLs block on the way out (mail, IRC, common reverse shells, SMB). */
export const BLOCKED_EGRESS_PORTS = table([[25, 40], [6667, 10], [4444, 15], [1337, 5], [445, 15], [23, 15]]);
/** Management ports that security groups refuse from inside the VPC. */
export const MANAGEMENT_PORTS = table([[22, 40], [3389, 20], [9100, 20], [5985, 10], [2379, 10]]);
export const OUTBOUND_SERVICES = table([['S3', 55], ['DYNAMODB', 25], ['AMAZON', 15], ['EC2', 5]]);
export const INBOUND_SERVICES = table([['CLOUDFRONT', 60], ['ROUTE53_HEALTHCHECKS', 40]]);

/** tcp-flags AWS reports: FIN 1, SYN 2, RST 4, SYN-ACK 18, OR-ed over the interval (ACK/PSH never appear alone). */
export const FLAGS_SHORT_REQUEST = table([[3, 70], [2, 10], [1, 8], [4, 8], [6, 4]]);
export const FLAGS_SHORT_RESPONSE = table([[19, 70], [18, 10], [1, 12], [4, 8]]);
export const FLAGS_LONG_REQUEST = table([[0, 50], [2, 25], [1, 25]]);
export const FLAGS_LONG_RESPONSE = table([[0, 50], [18, 25], [1, 25]]);
export const FLAGS_ONE_PACKET_REQUEST = table([[2, 70], [1, 15], [4, 15]]);
export const FLAGS_ONE_PACKET_RESPONSE = table([[18, 70], [1, 15], [4, 15]]);

/** Share of data-carrying TCP records that are elephants (bulk transfers of up to gigabytes). */
export const ELEPHANT_RATIO = 4e-5;
export const MAX_ELEPHANT_PACKETS = 5_000_000;


/**
 * The catalog of every field AWS defines for VPC and Transit Gateway flow logs.
 *
 * This is the single source of truth for field names, value kinds and limits: the WASM
 * tokenizer's configuration, the reference parser, `toObjects()` and the docs all read it.
 * Names are the AWS hyphenated names; `_` spellings (Athena, Parquet) are normalised by
 * `normalizeFieldName`.
 */

/** How a field's text is turned into a column. */
export type FieldKind =
  /** Unsigned integer that fits 32 bits, with a per-field maximum. */
  | 'u32'
  /** Unsigned 64-bit counter (packets, bytes, Unix seconds). */
  | 'u64'
  /** IPv4 or IPv6 address. */
  | 'ip'
  /** One of a closed set of words; stored as its 1-based index. */
  | 'enum'
  /** An AWS resource id such as `eni-0a1b...`; stored dictionary-encoded. */
  | 'id'
  /** Any other text; stored dictionary-encoded. */
  | 'string';

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  /** The flow-log version that introduced the field (6 = transit gateway). */
  readonly since: number;
  /** Largest accepted value for `u32` fields. */
  readonly max?: number;
  /** Accepted words for `enum` fields, case-sensitive as AWS writes them. */
  readonly values?: readonly string[];
  readonly description: string;
}

const U32_MAX = 0xffff_ffff;

const u32 = (name: string, since: number, max: number, description: string): FieldSpec => ({
  name,
  kind: 'u32',
  since,
  max,
  description,
});
const u64 = (name: string, since: number, description: string): FieldSpec => ({ name, kind: 'u64', since, description });
const ip = (name: string, since: number, description: string): FieldSpec => ({ name, kind: 'ip', since, description });
const id = (name: string, since: number, description: string): FieldSpec => ({ name, kind: 'id', since, description });
const str = (name: string, since: number, description: string): FieldSpec => ({ name, kind: 'string', since, description });
const enumeration = (name: string, since: number, values: readonly string[], description: string): FieldSpec => ({
  name,
  kind: 'enum',
  since,
  values,
  description,
});

export const ACTION_VALUES = ['ACCEPT', 'REJECT'] as const;
export const LOG_STATUS_VALUES = ['OK', 'NODATA', 'SKIPDATA'] as const;
export const TYPE_VALUES = ['IPv4', 'IPv6', 'EFA'] as const;
export const FLOW_DIRECTION_VALUES = ['ingress', 'egress'] as const;
export const SUBLOCATION_TYPE_VALUES = ['wavelength', 'outpost', 'localzone'] as const;

export const FIELDS: readonly FieldSpec[] = [
  // v2: the default format
  u32('version', 2, U32_MAX, 'Flow log version.'),
  str('account-id', 2, 'AWS account id of the interface owner (a string: leading zeros matter; may be "unknown").'),
  id('interface-id', 2, 'Network interface id (eni-...).'),
  ip('srcaddr', 2, 'Source address (for outgoing traffic, the interface address).'),
  ip('dstaddr', 2, 'Destination address (for incoming traffic, the interface address).'),
  u32('srcport', 2, 65535, 'Source port.'),
  u32('dstport', 2, 65535, 'Destination port.'),
  u32('protocol', 2, 255, 'IANA protocol number (6 TCP, 17 UDP, 1 ICMP).'),
  u64('packets', 2, 'Packets transferred during the flow.'),
  u64('bytes', 2, 'Bytes transferred during the flow.'),
  u64('start', 2, 'Time of the first packet of the aggregation interval, Unix seconds.'),
  u64('end', 2, 'Time of the last packet of the aggregation interval, Unix seconds.'),
  enumeration('action', 2, ACTION_VALUES, 'Whether security groups and network ACLs accepted or rejected the traffic.'),
  enumeration('log-status', 2, LOG_STATUS_VALUES, 'OK, NODATA (no traffic in the interval) or SKIPDATA (records lost at the source).'),
  // v3
  id('vpc-id', 3, 'VPC id (vpc-...).'),
  id('subnet-id', 3, 'Subnet id (subnet-...).'),
  id('instance-id', 3, 'Instance id (i-...), when the instance is yours.'),
  u32('tcp-flags', 3, 255, 'Bitwise OR of the TCP flags seen during the interval (FIN 1, SYN 2, RST 4, SYN-ACK 18).'),
  enumeration('type', 3, TYPE_VALUES, 'Traffic type: IPv4, IPv6 or EFA.'),
  ip('pkt-srcaddr', 3, 'Packet-level (original) source address.'),
  ip('pkt-dstaddr', 3, 'Packet-level (original) destination address.'),
  // v4
  str('region', 4, 'Region of the interface.'),
  str('az-id', 4, 'Availability Zone id of the interface (use1-az1, ...).'),
  enumeration('sublocation-type', 4, SUBLOCATION_TYPE_VALUES, 'wavelength, outpost or localzone.'),
  str('sublocation-id', 4, 'Id of the sublocation.'),
  // v5
  str('pkt-src-aws-service', 5, 'AWS service of the source address, when it belongs to one (S3, EC2, ...).'),
  str('pkt-dst-aws-service', 5, 'AWS service of the destination address, when it belongs to one.'),
  enumeration('flow-direction', 5, FLOW_DIRECTION_VALUES, 'ingress or egress, relative to the interface.'),
  u32('traffic-path', 5, 255, 'Egress path: 1 same VPC, 2 internet gateway, 3 VGW, 4 intra-region peering, 5 inter-region peering, 6 local gateway, 7 gateway VPC endpoint, 8 internet gateway (Wavelength).'),
  // v6: transit gateway flow logs
  str('resource-type', 6, 'Transit gateway resource type (TransitGateway).'),
  id('tgw-id', 6, 'Transit gateway id (tgw-...).'),
  id('tgw-attachment-id', 6, 'Transit gateway attachment id (tgw-attach-...).'),
  str('tgw-src-vpc-account-id', 6, 'Account id of the source VPC.'),
  str('tgw-dst-vpc-account-id', 6, 'Account id of the destination VPC.'),
  id('tgw-src-vpc-id', 6, 'Source VPC id.'),
  id('tgw-dst-vpc-id', 6, 'Destination VPC id.'),
  id('tgw-src-subnet-id', 6, 'Source subnet id.'),
  id('tgw-dst-subnet-id', 6, 'Destination subnet id.'),
  id('tgw-src-eni', 6, 'Source transit gateway attachment interface id.'),
  id('tgw-dst-eni', 6, 'Destination transit gateway attachment interface id.'),
  str('tgw-src-az-id', 6, 'Availability Zone id of the source.'),
  str('tgw-dst-az-id', 6, 'Availability Zone id of the destination.'),
  id('tgw-pair-attachment-id', 6, 'The other attachment of the flow (tgw-attach-...).'),
  u64('packets-lost-no-route', 6, 'Packets dropped: no route.'),
  u64('packets-lost-blackhole', 6, 'Packets dropped: blackhole route.'),
  u64('packets-lost-mtu-exceeded', 6, 'Packets dropped: larger than the MTU.'),
  u64('packets-lost-ttl-expired', 6, 'Packets dropped: TTL expired.'),
  // v7: ECS
  str('ecs-cluster-arn', 7, 'ECS cluster ARN.'),
  str('ecs-cluster-name', 7, 'ECS cluster name.'),
  str('ecs-container-instance-arn', 7, 'ECS container instance ARN.'),
  str('ecs-container-instance-id', 7, 'ECS container instance id.'),
  str('ecs-container-id', 7, 'Docker id of the first container of the task.'),
  str('ecs-second-container-id', 7, 'Docker id of the second container of the task.'),
  str('ecs-service-name', 7, 'ECS service name.'),
  str('ecs-task-definition-arn', 7, 'ECS task definition ARN.'),
  str('ecs-task-arn', 7, 'ECS task ARN.'),
  str('ecs-task-id', 7, 'ECS task id.'),
  // v8 and later
  str('reject-reason', 8, 'Why traffic was rejected (for example BPA, block public access).'),
  str('resource-id', 9, 'Id of the resource the flow belongs to (for example a NAT gateway).'),
  u32('encryption-status', 10, 255, 'Encryption in transit: 0 not encrypted, 1 Nitro-encrypted, 2 application-encrypted, 3 both.'),
];

const BY_NAME: ReadonlyMap<string, FieldSpec> = new Map(FIELDS.map((f) => [f.name, f]));

/** The 14 fields of the AWS default format, in order. */
export const DEFAULT_FIELD_NAMES: readonly string[] = FIELDS.filter((f) => f.since === 2).map((f) => f.name);

/** AWS spells names with hyphens; Athena and Parquet use underscores. Both mean the same field. */
export function normalizeFieldName(name: string): string {
  return name.trim().replaceAll('_', '-');
}

/** The catalog entry for a known field, or undefined for a name AWS added after this catalog. */
export function knownField(name: string): FieldSpec | undefined {
  return BY_NAME.get(normalizeFieldName(name));
}

/**
 * The spec to parse a field with. Unknown names are carried as opaque strings, never rejected:
 * AWS keeps adding fields, and a parser that breaks on each one is worse than one that passes them through.
 */
export function fieldSpec(name: string): FieldSpec {
  const normalized = normalizeFieldName(name);
  return BY_NAME.get(normalized) ?? { name: normalized, kind: 'string', since: 0, description: 'Field not in the catalog, carried as text.' };
}

/**
 * Every setting of `vpcflow run`: its flag, environment variable, config-file key, type, default
 * and help. Flags, VPCFLOW_* variables and a YAML/JSON file are merged in that order of precedence
 * and validated by the schema in schema.ts; --help and the README are generated from this table.
 */
import { SASL_MECHANISMS } from '../sources/kafka/sasl.js';

export type SettingKind = 'string' | 'integer' | 'number' | 'boolean' | 'duration' | 'bytes' | 'list' | 'choice' | 'object';

export interface Setting {
  /** Key in the config file and in --print-config. */
  readonly key: string;
  readonly kind: SettingKind;
  readonly help: string;
  /** Shown in --help; the real default is in schema.ts. */
  readonly defaultText: string;
  readonly choices?: readonly string[];
  readonly group: 'source' | 'format' | 'windows' | 'traffic' | 'output' | 'runtime';
}

export const SETTINGS: readonly Setting[] = [
  { key: 'source', kind: 'choice', choices: ['demo', 'file', 'stdin', 'kafka', 'kinesis'], group: 'source', defaultText: 'demo (file when --input is given)', help: 'Where flow logs come from: the built-in demo feed, files, standard input, a Kafka topic or a Kinesis stream.' },
  { key: 'input', kind: 'list', group: 'source', defaultText: 'none', help: 'File, directory (AWS S3 layout) or glob to read; repeat for more. Plain or gzip.' },
  { key: 'once', kind: 'boolean', group: 'source', defaultText: 'false', help: 'Exit when the input ends, after closing every window.' },
  { key: 'startPosition', kind: 'string', group: 'source', defaultText: 'latest', help: "Where to start when the Kafka group has no committed offset or a Kinesis shard no checkpoint: 'earliest', 'latest' or an ISO time (2026-01-31T12:00:00Z)." },
  { key: 'kafkaBrokers', kind: 'list', group: 'source', defaultText: '127.0.0.1:9092', help: 'Kafka bootstrap brokers, host:port, comma-separated.' },
  { key: 'kafkaTopic', kind: 'list', group: 'source', defaultText: 'none', help: "Kafka topics to consume; '/regex/' subscribes to a pattern. Repeat for more." },
  { key: 'kafkaGroup', kind: 'string', group: 'source', defaultText: 'vpcflow', help: 'Kafka consumer group: replicas in one group share the partitions.' },
  { key: 'kafkaClientId', kind: 'string', group: 'source', defaultText: 'vpcflow', help: 'Kafka client id.' },
  { key: 'kafkaTopicFormat', kind: 'list', group: 'source', defaultText: 'none', help: "Record format per topic, as 'topic=format' (the format as for --format); other topics use --format." },
  { key: 'kafkaTls', kind: 'boolean', group: 'source', defaultText: 'false', help: 'Connect to Kafka over TLS.' },
  { key: 'kafkaCaFile', kind: 'string', group: 'source', defaultText: 'system CAs', help: 'PEM file of the CA that signed the brokers’ certificates (implies --kafka-tls).' },
  { key: 'kafkaSaslMechanism', kind: 'choice', choices: SASL_MECHANISMS, group: 'source', defaultText: 'none', help: 'Kafka SASL mechanism; aws-msk-iam signs with the AWS default credential chain (Amazon MSK IAM access control, TLS implied; the region comes from the broker names or AWS_REGION).' },
  { key: 'kafkaUsername', kind: 'string', group: 'source', defaultText: 'none', help: 'Kafka SASL user.' },
  { key: 'kafkaPassword', kind: 'string', group: 'source', defaultText: 'none', help: 'Kafka SASL password (prefer the VPCFLOW_KAFKA_PASSWORD variable to a flag).' },
  { key: 'kinesisStream', kind: 'string', group: 'source', defaultText: 'none', help: 'Kinesis stream name or ARN.' },
  { key: 'kinesisRegion', kind: 'string', group: 'source', defaultText: '$AWS_REGION, else us-east-1', help: 'AWS region of the stream.' },
  { key: 'kinesisEndpoint', kind: 'string', group: 'source', defaultText: 'the SDK’s (AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL)', help: 'Kinesis endpoint override, e.g. http://127.0.0.1:4568 for kinesis-local.' },
  { key: 'kinesisShardSlice', kind: 'string', group: 'source', defaultText: '0/1', help: "This replica's share of the shards, 'i/N': shards (by lineage) are split among N replicas without overlap." },
  { key: 'checkpointDir', kind: 'string', group: 'source', defaultText: './vpcflow-state', help: 'Directory of Kinesis checkpoints (written atomically).' },
  { key: 'demoRate', kind: 'integer', group: 'source', defaultText: '2000', help: 'Records per second the demo feed generates.' },
  { key: 'payloadBytes', kind: 'bytes', group: 'source', defaultText: '1MiB', help: 'Size of the slices files and stdin are cut into.' },
  { key: 'format', kind: 'string', group: 'format', defaultText: 'default', help: "Record format: 'default', an AWS custom format ('${version} ${srcaddr} ...'), or header field names. Header lines in the input override it." },
  { key: 'windows', kind: 'list', group: 'windows', defaultText: '1m,10m', help: 'Tumbling window sizes (each a multiple of the smallest), aligned to the epoch.' },
  { key: 'windowTime', kind: 'choice', choices: ['end', 'start', 'prorate'], group: 'windows', defaultText: 'end', help: "Event time of a record: its end, its start, or 'prorate' (bytes and packets split over the windows [start, end) covers; the flow counted at its end)." },
  { key: 'outOfOrderness', kind: 'duration', group: 'windows', defaultText: '60s', help: 'How far behind the newest record a record may be and still be in order: watermark = newest event time − this.' },
  { key: 'allowedLateness', kind: 'duration', group: 'windows', defaultText: '5m (demo: 15s)', help: 'How long a window stays open after the watermark passes its end. CloudWatch Logs delivers within ~5 min, S3 within ~10 min: use 10m for S3 replays.' },
  { key: 'idleTimeout', kind: 'duration', group: 'windows', defaultText: '60s', help: 'A partition without data for this long stops holding the watermark back.' },
  { key: 'maxFuture', kind: 'duration', group: 'windows', defaultText: '1h', help: 'Records this far ahead of the wall clock are dropped (counted), so a bad clock cannot close every window.' },
  { key: 'maxOpenWindows', kind: 'integer', group: 'windows', defaultText: '500', help: 'Open windows per size per worker; records that would open more are dropped (counted).' },
  { key: 'topK', kind: 'integer', group: 'windows', defaultText: '10', help: 'Entries in each heavy-hitter list (talkers, destinations, rejected ports and sources, interfaces).' },
  { key: 'heavyHitterCapacity', kind: 'integer', group: 'windows', defaultText: '1000', help: 'Counters per heavy-hitter summary; a reported value is short of the truth by at most window total / (capacity + 1).' },
  { key: 'filter', kind: 'string', group: 'windows', defaultText: 'none', help: "Only aggregate matching records, e.g. 'action == REJECT and protocol == 6' or 'srcaddr in 10.0.0.0/8'." },
  { key: 'internalCidrs', kind: 'list', group: 'traffic', defaultText: '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7', help: 'Address blocks counted as internal traffic; the rest is internet (or AWS service when pkt-*-aws-service says so).' },
  { key: 'subnets', kind: 'list', group: 'traffic', defaultText: 'none', help: "Subnet CIDRs with their AZ id, as 'cidr=az' (10.0.1.0/24=use1-az1): internal traffic between AZs becomes cross_az (needs az-id in the format)." },
  { key: 'pricePerGb', kind: 'object', group: 'traffic', defaultText: 'none', help: "Dollars per GB by traffic class, for the estimated cost, as 'class=price' pairs (internet=0.09,cross_az=0.01)." },
  { key: 'interfaceCap', kind: 'integer', group: 'output', defaultText: '100', help: 'Interfaces with their own vpcflow_interface_bytes_total series; the rest are summed as "other".' },
  { key: 'listen', kind: 'string', group: 'output', defaultText: '0.0.0.0:10078', help: "Address of /metrics, /healthz and /readyz ('none' to serve nothing)." },
  { key: 'webConfig', kind: 'string', group: 'output', defaultText: 'none', help: 'Web config file for the metrics endpoint, in the Prometheus exporter-toolkit format: TLS certificate and key (tls_server_config), users with bcrypt password hashes (basic_auth_users; /healthz and /readyz need none).' },
  { key: 'windowsOut', kind: 'string', group: 'output', defaultText: 'none', help: "Write each closed window as a JSON line to this file ('-' for standard output)." },
  { key: 'deadLetterFile', kind: 'string', group: 'output', defaultText: 'none', help: 'Append undecodable payloads (truncated gzip, malformed envelopes) to this file as JSON lines: source, partition, position, reason and the payload in base64.' },
  { key: 'deadLetterTopic', kind: 'string', group: 'output', defaultText: 'none', help: 'With --source kafka: write undecodable payloads to this topic on the same cluster (value: the payload; headers: vpcflow-partition, vpcflow-position, vpcflow-reason). The topic must exist.' },
  { key: 'workers', kind: 'integer', group: 'runtime', defaultText: 'one per core', help: 'Window worker threads.' },
  { key: 'maxInFlightBytes', kind: 'bytes', group: 'runtime', defaultText: '32MiB', help: 'Payload bytes queued per worker before the source is paused (backpressure).' },
  { key: 'logLevel', kind: 'choice', choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], group: 'runtime', defaultText: 'info', help: 'Log level.' },
  { key: 'logFormat', kind: 'choice', choices: ['auto', 'json', 'pretty'], group: 'runtime', defaultText: 'auto', help: 'JSON logs, or human-readable ones; auto is pretty on a terminal.' },
  { key: 'progress', kind: 'choice', choices: ['auto', 'on', 'off'], group: 'runtime', defaultText: 'auto', help: 'Progress bar and summary table for file replays; auto shows them on a terminal.' },
];

/** --allowed-lateness for allowedLateness. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** VPCFLOW_ALLOWED_LATENESS for allowedLateness. */
export function envName(key: string): string {
  return `VPCFLOW_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

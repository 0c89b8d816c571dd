/**
 * The Kinesis source's options, their defaults, and the conversion from the run settings
 * (--kinesis-stream, --kinesis-region, --kinesis-endpoint, --start-position, --checkpoint-dir,
 * --kinesis-shard-slice).
 */
import type { Logger } from 'pino';

export type StartPosition = 'earliest' | 'latest' | Date;

export interface ShardSlice {
  index: number;
  count: number;
}

export interface KinesisSourceOptions {
  /** Stream name or ARN. */
  stream: string;
  region: string;
  /** Endpoint override; null: the SDK's own resolution (AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL, then AWS). Credentials always come from the SDK's default chain. */
  endpoint: string | null;
  /** Where a shard without a checkpoint starts: TRIM_HORIZON, LATEST or AT_TIMESTAMP. */
  startPosition: StartPosition;
  /** Directory of the checkpoint files, one per stream and slice. */
  checkpointDir: string;
  /** This replica's share of the shards (by lineage root). */
  slice: ShardSlice;
  /** Stop when every shard has reached the end it had at start-up; run() then resolves. */
  once: boolean;
  logger: Logger;
  /** Wait between GetRecords calls of a shard that is caught up. Default 1000 ms. */
  pollIntervalMs?: number;
  /** GetRecords Limit. Default 10,000 (the API maximum). */
  maxRecordsPerCall?: number;
  /** How often the shard list is read again to find new shards (continuous mode). Default 10 s. */
  shardRefreshMs?: number;
  /** ListShards MaxResults. Default 1000. */
  listShardsPageSize?: number;
}

export type ResolvedKinesisOptions = Required<KinesisSourceOptions>;

export const KINESIS_DEFAULTS = {
  pollIntervalMs: 1000,
  maxRecordsPerCall: 10_000,
  shardRefreshMs: 10_000,
  listShardsPageSize: 1000,
} as const;

export function resolveKinesisOptions(options: KinesisSourceOptions): ResolvedKinesisOptions {
  return {
    ...options,
    pollIntervalMs: options.pollIntervalMs ?? KINESIS_DEFAULTS.pollIntervalMs,
    maxRecordsPerCall: options.maxRecordsPerCall ?? KINESIS_DEFAULTS.maxRecordsPerCall,
    shardRefreshMs: options.shardRefreshMs ?? KINESIS_DEFAULTS.shardRefreshMs,
    listShardsPageSize: options.listShardsPageSize ?? KINESIS_DEFAULTS.listShardsPageSize,
  };
}

/** `--start-position` ('earliest', 'latest' or an ISO time; the config schema has validated it). */
export function parseStartPosition(text: string): StartPosition {
  return text === 'earliest' || text === 'latest' ? text : new Date(text);
}

/** `--kinesis-shard-slice` 'i/N' (validated by the config schema). */
export function parseShardSlice(text: string): ShardSlice {
  const [index, count] = text.split('/').map(Number) as [number, number];
  return { index, count };
}

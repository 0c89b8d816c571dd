/** The Kinesis source (see source.ts for how shards, resharding and --once work). */
export { createKinesisSource } from './source.js';
export { parseShardSlice, parseStartPosition, KINESIS_DEFAULTS } from './config.js';
export type { KinesisSourceOptions, ShardSlice, StartPosition } from './config.js';

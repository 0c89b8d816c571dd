/**
 * The schema of the effective configuration (zod): types, ranges, defaults and cross-field rules.
 * Components validate their own parts (format, filter, CIDRs) and their messages become issues here.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseFormat } from '../format/format.js';
import { SASL_MECHANISMS } from '../sources/kafka/sasl.js';
import { compileFilter } from '../window/filter.js';
import { createClassifier, DEFAULT_INTERNAL_CIDRS, TRAFFIC_CLASSES } from '../window/classify.js';
import { parseDurationSeconds } from '../window/time.js';

const seconds = z.number().min(0);
const positiveInt = z.number().int().min(1);

function checks(check: () => void, ctx: z.RefinementCtx, path: string): void {
  try {
    check();
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: [path], message: (error as Error).message });
  }
}

export const configSchema = z
  .object({
    source: z.enum(['demo', 'file', 'stdin', 'kafka', 'kinesis']).optional(),
    startPosition: z.string().default('latest'),
    kafkaBrokers: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1).default(['127.0.0.1:9092']),
    kafkaTopic: z.array(z.string().min(1)).default([]),
    kafkaGroup: z.string().min(1).default('vpcflow'),
    kafkaClientId: z.string().min(1).default('vpcflow'),
    kafkaTopicFormat: z.array(z.string()).default([]),
    kafkaTls: z.boolean().default(false),
    kafkaCaFile: z.string().min(1).nullable().default(null),
    kafkaSaslMechanism: z.enum(SASL_MECHANISMS).default('none'),
    kafkaUsername: z.string().nullable().default(null),
    kafkaPassword: z.string().nullable().default(null),
    kinesisStream: z.string().min(1).nullable().default(null),
    kinesisRegion: z.string().min(1).nullable().default(null),
    kinesisEndpoint: z.string().url().nullable().default(null),
    kinesisShardSlice: z.string().regex(/^\d+\/\d+$/, "expected 'i/N', e.g. 0/2").default('0/1'),
    checkpointDir: z.string().min(1).default('./vpcflow-state'),
    input: z.array(z.string().min(1)).default([]),
    once: z.boolean().default(false),
    demoRate: positiveInt.max(10_000_000).default(2000),
    payloadBytes: z.number().int().min(4096).max(64 << 20).default(1 << 20),
    format: z.string().min(1).default('default'),
    windows: z.array(z.string()).min(1).default(['1m', '10m']),
    windowTime: z.enum(['end', 'start', 'prorate']).default('end'),
    outOfOrderness: seconds.optional(),
    allowedLateness: seconds.optional(),
    idleTimeout: seconds.default(60),
    maxFuture: seconds.default(3600),
    maxOpenWindows: positiveInt.max(100_000).default(500),
    topK: positiveInt.max(1000).default(10),
    heavyHitterCapacity: positiveInt.max(1_000_000).default(1000),
    filter: z.string().min(1).nullable().default(null),
    internalCidrs: z.array(z.string()).default([...DEFAULT_INTERNAL_CIDRS]),
    subnets: z.array(z.object({ cidr: z.string(), az: z.string().min(1) }).strict()).default([]),
    pricePerGb: z.partialRecord(z.enum(TRAFFIC_CLASSES), z.number().min(0)).nullable().default(null),
    interfaceCap: z.number().int().min(0).max(100_000).default(100),
    listen: z.string().nullable().default('0.0.0.0:10078'),
    webConfig: z.string().min(1).nullable().default(null),
    windowsOut: z.string().min(1).nullable().default(null),
    deadLetterFile: z.string().min(1).nullable().default(null),
    deadLetterTopic: z.string().min(1).nullable().default(null),
    workers: positiveInt.max(256).default(() => availableParallelism()),
    maxInFlightBytes: z.number().int().min(1 << 16).default(32 << 20),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    logFormat: z.enum(['auto', 'json', 'pretty']).default('auto'),
    progress: z.enum(['auto', 'on', 'off']).default('auto'),
  })
  .strict()
  .superRefine((c, ctx) => {
    checks(() => parseFormat(c.format), ctx, 'format');
    if (c.filter) checks(() => compileFilter(c.filter!), ctx, 'filter');
    checks(() => createClassifier(c.internalCidrs, c.subnets), ctx, 'internalCidrs');
    const sizes = c.windows.map(parseDurationSeconds);
    if (sizes.some((s) => s === null || s <= 0)) {
      ctx.addIssue({ code: 'custom', path: ['windows'], message: `${JSON.stringify(c.windows)} has a size that is not a duration like 1m, 10m, 90s or 1h` });
    } else {
      const smallest = Math.min(...(sizes as number[]));
      if (sizes.some((s) => s! % smallest !== 0)) ctx.addIssue({ code: 'custom', path: ['windows'], message: `window sizes ${c.windows.join(', ')} must each be a multiple of the smallest (${smallest}s)` });
    }
    const source = c.source ?? (c.input.length > 0 ? 'file' : 'demo');
    if (source === 'kafka' && c.kafkaTopic.length === 0) ctx.addIssue({ code: 'custom', path: ['kafkaTopic'], message: '--source kafka needs --kafka-topic NAME (or /regex/)' });
    if (source === 'kinesis' && c.kinesisStream === null) ctx.addIssue({ code: 'custom', path: ['kinesisStream'], message: '--source kinesis needs --kinesis-stream NAME (or ARN)' });
    if (c.startPosition !== 'earliest' && c.startPosition !== 'latest' && Number.isNaN(Date.parse(c.startPosition))) {
      ctx.addIssue({ code: 'custom', path: ['startPosition'], message: "expected 'earliest', 'latest' or an ISO time such as 2026-01-31T12:00:00Z" });
    }
    if (c.kafkaSaslMechanism !== 'none' && c.kafkaSaslMechanism !== 'aws-msk-iam' && (!c.kafkaUsername || !c.kafkaPassword)) {
      ctx.addIssue({ code: 'custom', path: ['kafkaUsername'], message: `--kafka-sasl-mechanism ${c.kafkaSaslMechanism} needs --kafka-username and a password (VPCFLOW_KAFKA_PASSWORD)` });
    }
    for (const entry of c.kafkaTopicFormat) {
      const at = entry.indexOf('=');
      if (at <= 0) ctx.addIssue({ code: 'custom', path: ['kafkaTopicFormat'], message: `${JSON.stringify(entry)} is not 'topic=format'` });
      else checks(() => parseFormat(entry.slice(at + 1)), ctx, 'kafkaTopicFormat');
    }
    const [slice, slices] = c.kinesisShardSlice.split('/').map(Number) as [number, number];
    if (!(slices >= 1 && slice < slices)) ctx.addIssue({ code: 'custom', path: ['kinesisShardSlice'], message: `slice ${slice} of ${slices}: i must be below N, and N at least 1` });
    if (source === 'file' && c.input.length === 0) ctx.addIssue({ code: 'custom', path: ['input'], message: '--source file needs at least one --input PATH' });
    if (source !== 'file' && c.input.length > 0) ctx.addIssue({ code: 'custom', path: ['input'], message: `--input is for --source file; the source is ${source}` });
    if (c.listen !== null && c.listen !== 'none' && !/^(\[[0-9a-fA-F:]+\]|[^:]+):\d{1,5}$/.test(c.listen)) {
      ctx.addIssue({ code: 'custom', path: ['listen'], message: `${JSON.stringify(c.listen)} is not HOST:PORT (e.g. 0.0.0.0:10078, 127.0.0.1:0, [::]:10078) or 'none'` });
    }
    if (c.deadLetterTopic !== null && source !== 'kafka') {
      ctx.addIssue({ code: 'custom', path: ['deadLetterTopic'], message: `writes to the Kafka cluster of --source kafka, but the source is ${source}; use --dead-letter-file PATH instead` });
    }
    if (c.deadLetterTopic !== null && c.deadLetterFile !== null) {
      ctx.addIssue({ code: 'custom', path: ['deadLetterTopic'], message: 'set either --dead-letter-topic or --dead-letter-file, not both' });
    }
    if (c.webConfig !== null && (c.listen === null || c.listen === 'none')) {
      ctx.addIssue({ code: 'custom', path: ['webConfig'], message: 'secures the metrics endpoint, but --listen is none; drop --web-config or set --listen HOST:PORT' });
    }
  });

export type RawConfig = z.input<typeof configSchema>;
export type ValidConfig = z.output<typeof configSchema>;

export interface RunConfig extends Omit<ValidConfig, 'source' | 'outOfOrderness' | 'allowedLateness' | 'windows' | 'listen'> {
  source: 'demo' | 'file' | 'stdin' | 'kafka' | 'kinesis';
  /** Window sizes in seconds, smallest first. */
  windows: number[];
  outOfOrderness: number;
  allowedLateness: number;
  listen: { host: string; port: number } | null;
}

/** Fill the defaults that depend on other settings. */
export function resolveConfig(valid: ValidConfig): RunConfig {
  const source = valid.source ?? (valid.input.length > 0 ? 'file' : 'demo');
  // The demo feed is live and in order within its 60-second capture windows: a short lateness
  // makes its first windows close within about a minute and a half instead of six.
  const demo = source === 'demo';
  const listen = valid.listen === null || valid.listen === 'none' ? null : /^\[?(.*?)\]?:(\d+)$/.exec(valid.listen)!;
  return {
    ...valid,
    source,
    windows: [...new Set(valid.windows.map((w) => parseDurationSeconds(w)!))].sort((a, b) => a - b),
    outOfOrderness: valid.outOfOrderness ?? 60,
    allowedLateness: valid.allowedLateness ?? (demo ? 15 : 300),
    listen: listen ? { host: listen[1]!, port: Number(listen[2]) } : null,
  };
}

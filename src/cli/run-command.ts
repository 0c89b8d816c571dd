/**
 * `vpcflow run`: the main job. Reads the configuration (flags > VPCFLOW_* > --config file >
 * defaults), starts the source, the window workers and the exporter, and stops cleanly on
 * SIGINT/SIGTERM (source first, then the workers drain) within a bounded time.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { loadConfig, readConfigFile } from '../config/load.js';
import type { RunConfig } from '../config/schema.js';
import { envName, flagName, SETTINGS } from '../config/settings.js';
import { createFileDeadLetter, createKafkaDeadLetter, type DeadLetter, type DeadLetterOutcome } from '../dead-letter/dead-letter.js';
import { isVpcflowError } from '../errors.js';
import { parseFormat } from '../format/format.js';
import { createLogger, type Logger } from '../log.js';
import { createMetrics, type Metrics } from '../metrics/registry.js';
import { loadWebConfig, type WebConfig } from '../metrics/web-config.js';
import { startPipeline } from '../pipeline/pipeline.js';
import type { WindowResult } from '../pipeline/window-results.js';
import { createDemoSource } from '../sources/demo.js';
import { createFileSource } from '../sources/file.js';
import type { KafkaConnection } from '../sources/kafka/client.js';
import { saslOf } from '../sources/kafka/sasl.js';
import { parseShardSlice, parseStartPosition } from '../sources/kinesis/config.js';
import type { Source } from '../sources/source.js';
import { createStdinSource } from '../sources/stdin.js';
import type { CommandIo } from './io.js';
import { createLineWriter, type LineWriter } from './output.js';
import { progressLine, summaryTable } from './progress.js';

const STOP_TIMEOUT_MS = 10_000;

export function runHelp(): string {
  const groups = ['source', 'format', 'windows', 'traffic', 'output', 'runtime'] as const;
  const lines = ['Usage: vpcflow run [options]', '', 'Runs the consumer: flow logs in, windows out, Prometheus metrics served.', 'With no options it runs on the built-in demo feed.', ''];
  for (const group of groups) {
    lines.push(`${group[0]!.toUpperCase()}${group.slice(1)}:`);
    for (const s of SETTINGS.filter((setting) => setting.group === group)) {
      const choices = s.choices ? ` (${s.choices.join('|')})` : '';
      lines.push(`  --${flagName(s.key)}${choices}`, `      ${s.help}`, `      default: ${s.defaultText}; env ${envName(s.key)}; file key ${s.key}`);
    }
    lines.push('');
  }
  lines.push('Other:', '  --config PATH      YAML or JSON file of settings (env VPCFLOW_CONFIG)', '  --print-config     print the effective configuration and exit', '  -h, --help         this text');
  return lines.join('\n');
}

/** Kafka and Kinesis clients are loaded only when their source is used (start-up time). */
async function buildSource(config: RunConfig, io: CommandIo, logger: Logger): Promise<Source> {
  const slices = config.workers;
  const maxJsonBytes = 64 << 20;
  switch (config.source) {
    case 'file':
      return createFileSource({ inputs: config.input, payloadBytes: config.payloadBytes, slices, maxJsonBytes });
    case 'stdin':
      return createStdinSource({ payloadBytes: config.payloadBytes, slices, maxJsonBytes, stdin: io.stdin });
    case 'demo':
      return createDemoSource({ recordsPerSecond: config.demoRate, format: parseFormat(config.format), partitions: Math.max(2, config.workers), seed: Date.now() & 0xffff });
    case 'kafka': {
      const { createKafkaSource } = await import('../sources/kafka/index.js');
      return createKafkaSource({
        connection: kafkaConnection(config),
        topics: config.kafkaTopic,
        groupId: config.kafkaGroup,
        startPosition: parseStartPosition(config.startPosition),
        topicFormats: new Map(config.kafkaTopicFormat.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])),
        once: config.once,
        logger,
      });
    }
    case 'kinesis': {
      const { createKinesisSource } = await import('../sources/kinesis/index.js');
      return createKinesisSource({
        stream: config.kinesisStream!,
        region: config.kinesisRegion ?? process.env.AWS_REGION ?? 'us-east-1',
        endpoint: config.kinesisEndpoint,
        startPosition: parseStartPosition(config.startPosition),
        checkpointDir: config.checkpointDir,
        slice: parseShardSlice(config.kinesisShardSlice),
        once: config.once,
        logger,
      });
    }
  }
}

function kafkaConnection(config: RunConfig): KafkaConnection {
  return {
    brokers: config.kafkaBrokers,
    clientId: config.kafkaClientId,
    tls: config.kafkaTls || config.kafkaCaFile !== null,
    caFile: config.kafkaCaFile,
    sasl: saslOf(config.kafkaSaslMechanism, config.kafkaUsername, config.kafkaPassword),
  };
}

async function buildDeadLetter(config: RunConfig, logger: Logger, metrics: Metrics): Promise<DeadLetter | undefined> {
  const counted: DeadLetterOutcome = (outcome, reason) => metrics.deadLetters.inc({ outcome, reason });
  if (config.deadLetterFile !== null) return createFileDeadLetter(config.deadLetterFile, logger, counted);
  if (config.deadLetterTopic === null) return undefined;
  const { createKafka } = await import('../sources/kafka/index.js');
  return createKafkaDeadLetter(createKafka(kafkaConnection(config), logger), config.deadLetterTopic, logger, counted);
}

function windowsWriter(path: string | null, io: CommandIo): LineWriter | null {
  if (path === null) return null;
  return createLineWriter(path === '-' ? io.stdout : createWriteStream(path, { flags: 'a' }));
}

export async function runCommand(argv: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    config: { type: 'string' },
    'print-config': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const s of SETTINGS) options[flagName(s.key)] = s.kind === 'boolean' ? { type: 'boolean' } : { type: 'string', multiple: true };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: false, strict: true });
  } catch (error) {
    io.stderr.write(`vpcflow run: ${(error as Error).message}\nRun "vpcflow run --help" for the settings.\n`);
    return 2;
  }
  const values = parsed.values as Record<string, string[] | string | boolean | undefined>;
  if (values.help) {
    io.stdout.write(`${runHelp()}\n`);
    return 0;
  }
  let config: RunConfig;
  let webConfig: WebConfig | null;
  try {
    const flags: Record<string, string[]> = {};
    for (const s of SETTINGS) {
      const value = values[flagName(s.key)];
      if (value === undefined) continue;
      flags[s.key] = typeof value === 'boolean' ? [String(value)] : Array.isArray(value) ? value : [value];
    }
    const configPath = (values.config as string | undefined) ?? env.VPCFLOW_CONFIG;
    const file = configPath ? await readConfigFile(configPath) : {};
    config = loadConfig(flags, env, file).config;
    webConfig = config.webConfig ? await loadWebConfig(config.webConfig) : null;
  } catch (error) {
    io.stderr.write(`vpcflow run: ${(error as Error).message}\n`);
    return 2;
  }
  if (values['print-config']) {
    io.stdout.write(toYaml(config));
    return 0;
  }

  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const { registry, metrics } = createMetrics();
  const writer = windowsWriter(config.windowsOut, io);
  const showProgress = config.source === 'file' && (config.progress === 'on' || (config.progress === 'auto' && (io.stderr as NodeJS.WriteStream).isTTY === true));
  let pipeline;
  let source: Source;
  let deadLetter: DeadLetter | undefined;
  try {
    source = await buildSource(config, io, logger);
    deadLetter = await buildDeadLetter(config, logger, metrics);
    pipeline = await startPipeline(
      {
        settings: {
          format: config.format,
          windowSizes: config.windows,
          windowTime: config.windowTime,
          maxFutureSeconds: config.maxFuture,
          outOfOrdernessSeconds: config.outOfOrderness,
          allowedLatenessSeconds: config.allowedLateness,
          heavyHitterCapacity: config.heavyHitterCapacity,
          maxOpenWindows: config.maxOpenWindows,
          internalCidrs: config.internalCidrs,
          subnets: config.subnets,
          filter: config.filter,
          maxRecordsPerBatch: 16_384,
          maxLineBytes: 65_536,
          closedThrough: -Infinity,
          deadLetters: deadLetter !== undefined,
        },
        workers: config.workers,
        maxInFlightBytes: config.maxInFlightBytes,
        idleSeconds: config.idleTimeout,
        topK: config.topK,
        interfaceCap: config.interfaceCap,
        pricePerGb: config.pricePerGb,
        listen: config.listen && { ...config.listen, webConfig },
        once: config.once,
      },
      {
        source,
        logger,
        registry,
        metrics,
        ...(deadLetter ? { deadLetter } : {}),
        onWindow: async (result: WindowResult) => {
          // Flushed before the pipeline commits past the window's records: a crash cannot lose it.
          await writer?.write(JSON.stringify(result));
          await writer?.flush();
          logger.debug({ window: result.window, start: result.start, groups: result.totals.length }, 'window closed');
        },
      },
    );
  } catch (error) {
    logger.error({ err: error }, isVpcflowError(error) ? error.message : 'start-up failed');
    io.stderr.write(`vpcflow run: ${(error as Error).message}\n`);
    logger.flush();
    return isVpcflowError(error, 'VPCFLOW_CONFIG_INVALID') ? 2 : 1;
  }
  logger.info({ source: config.source, workers: config.workers, windows: config.windows, metrics: pipeline.exporterUrl ? `${pipeline.exporterUrl}/metrics` : null }, pipeline.exporterUrl ? `vpcflow running; metrics at ${pipeline.exporterUrl}/metrics` : 'vpcflow running');

  let stopping: Promise<unknown> | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    const deadline = setTimeout(() => {
      logger.error({ signal }, `did not stop within ${STOP_TIMEOUT_MS / 1000}s; exiting`);
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    deadline.unref();
    stopping = pipeline.stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = showProgress
    ? setInterval(() => io.stderr.write(`\r${progressLine(pipeline.summary(), source.progress?.() ?? { bytes: 0, totalBytes: null })}\u001b[K`), 250)
    : null;

  const summary = await pipeline.done;
  if (progress) {
    clearInterval(progress);
    io.stderr.write(`\r${progressLine(summary, source.progress?.() ?? { bytes: 0, totalBytes: null })}\u001b[K\n`);
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await writer?.close();
  logger.info({ summary }, 'vpcflow stopped');
  if (showProgress || config.once) io.stderr.write(`${summaryTable(summary)}\n`);
  // A source that failed (a consumer that crashed for good) or an input not read to its end fails
  // the run, so scripts and orchestrators notice; the summary above says what was read.
  if (pipeline.failure) io.stderr.write(`vpcflow run: ${pipeline.failure.message}\n`);
  if (summary.inputErrors > 0) io.stderr.write(`vpcflow run: ${summary.inputErrors} input(s) could not be read to their end; the errors above name them\n`);
  logger.flush();
  return pipeline.failure || summary.inputErrors > 0 ? 1 : 0;
}

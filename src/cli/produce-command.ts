/**
 * `vpcflow produce`: a load generator. Writes generated flow logs (or a file's lines) to a Kafka
 * topic or a Kinesis stream, at a rate or as fast as possible, as text lines, CloudWatch Logs
 * gzip envelopes, JSON records, KPL aggregated records, or a mix of them.
 */
import { parseFormat } from '../format/format.js';
import { createFlowGenerator, type FlowRecord } from '../generator/index.js';
import { createLogger } from '../log.js';
import { payloadOf, SHAPES, type Shape } from '../produce/shapes.js';
import { kafkaTarget, kinesisTarget, type Target } from '../produce/targets.js';
import { saslOf, SASL_MECHANISMS, type SaslMechanism } from '../sources/kafka/sasl.js';
import { parseCommandArgs, type CommandIo } from './io.js';

export const PRODUCE_HELP = `Usage: vpcflow produce --to kafka|kinesis [options]

Writes realistic generated flow logs to Kafka or Kinesis (a load generator and demo feed).

  --to kafka|kinesis           destination
  --kafka-brokers H:P,...      (default 127.0.0.1:9092)   --kafka-topic NAME
  --kafka-tls, --kafka-ca-file PEM, --kafka-sasl-mechanism M --kafka-username U (password: VPCFLOW_KAFKA_PASSWORD)
  --kinesis-stream NAME|ARN    --kinesis-region R (default $AWS_REGION or us-east-1)
  --kinesis-endpoint URL       (default: the SDK's, e.g. AWS_ENDPOINT_URL_KINESIS)
  --shape ${SHAPES.join('|')}|mixed   payload shape (default text)
  --records-per-message N      flow log records per message (default 100)
  --records N                  stop after N records (default: run until interrupted)
  --rate N                     records per second; 0 = as fast as possible (default 1000)
  --format F                   record format (default 'default')
  --seed N                     generator seed (default 1)
  --start-time T               event time of the first record: ISO time or 'now' (default now)`;

export async function produceCommand(argv: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommandArgs(
    'produce',
    PRODUCE_HELP,
    {
      args: [...argv],
      options: {
        to: { type: 'string' },
        'kafka-brokers': { type: 'string', default: env.VPCFLOW_KAFKA_BROKERS ?? '127.0.0.1:9092' },
        'kafka-topic': { type: 'string', default: env.VPCFLOW_KAFKA_TOPIC },
        'kafka-tls': { type: 'boolean', default: false },
        'kafka-ca-file': { type: 'string' },
        'kafka-sasl-mechanism': { type: 'string', default: 'none' },
        'kafka-username': { type: 'string' },
        'kinesis-stream': { type: 'string', default: env.VPCFLOW_KINESIS_STREAM },
        'kinesis-region': { type: 'string', default: env.AWS_REGION ?? 'us-east-1' },
        'kinesis-endpoint': { type: 'string' },
        shape: { type: 'string', default: 'text' },
        'records-per-message': { type: 'string', default: '100' },
        records: { type: 'string' },
        rate: { type: 'string', default: '1000' },
        format: { type: 'string', default: 'default' },
        seed: { type: 'string', default: '1' },
        'start-time': { type: 'string', default: 'now' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values;
  const fail = (message: string): number => {
    io.stderr.write(`vpcflow produce: ${message}\n`);
    return 2;
  };
  const shapes: Shape[] = values.shape === 'mixed' ? [...SHAPES] : SHAPES.includes(values.shape as Shape) ? [values.shape as Shape] : [];
  if (shapes.length === 0) return fail(`--shape ${JSON.stringify(values.shape)} is not one of ${SHAPES.join(', ')}, mixed`);
  const perMessage = Number(values['records-per-message']);
  const limit = values.records === undefined ? Infinity : Number(values.records);
  const rate = Number(values.rate);
  if (!(perMessage >= 1) || !(limit >= 0) || !(rate >= 0)) return fail('--records-per-message, --records and --rate must be numbers (>= 1, >= 0, >= 0)');
  const startTime = values['start-time'] === 'now' ? Date.now() / 1000 : Date.parse(values['start-time']) / 1000;
  if (Number.isNaN(startTime)) return fail(`--start-time ${JSON.stringify(values['start-time'])} is not an ISO time or 'now'`);
  let format;
  try {
    format = parseFormat(values.format);
  } catch (error) {
    return fail(`--format: ${(error as Error).message}`);
  }
  const logger = createLogger({ level: 'info', format: 'auto' });
  let target: Target;
  try {
    if (values.to === 'kafka') {
      if (!values['kafka-topic']) return fail('--to kafka needs --kafka-topic NAME');
      const mechanism = values['kafka-sasl-mechanism'] as SaslMechanism;
      if (!SASL_MECHANISMS.includes(mechanism)) return fail(`--kafka-sasl-mechanism ${JSON.stringify(mechanism)} is not one of ${SASL_MECHANISMS.join(', ')}`);
      target = await kafkaTarget(
        {
          brokers: values['kafka-brokers'].split(','),
          clientId: 'vpcflow-produce',
          tls: values['kafka-tls'] || values['kafka-ca-file'] !== undefined,
          caFile: values['kafka-ca-file'] ?? null,
          sasl: saslOf(mechanism, values['kafka-username'] ?? null, env.VPCFLOW_KAFKA_PASSWORD ?? null),
        },
        values['kafka-topic'],
        logger,
      );
    } else if (values.to === 'kinesis') {
      if (!values['kinesis-stream']) return fail('--to kinesis needs --kinesis-stream NAME');
      target = kinesisTarget(values['kinesis-stream'], values['kinesis-region'], values['kinesis-endpoint'] ?? null);
    } else {
      return fail('--to must be kafka or kinesis');
    }
  } catch (error) {
    io.stderr.write(`vpcflow produce: ${(error as Error).message}\n`);
    return 1;
  }

  const generator = createFlowGenerator({ seed: Number(values.seed), startTime, recordsPerSecond: rate > 0 ? rate : 10_000, scenarios: true });
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const started = Date.now();
  let sent = 0;
  let message = 0;
  try {
    while (!stopped && sent < limit) {
      // A second's worth of messages (or 50 at full speed) per send.
      const batch = Math.max(1, Math.min(rate > 0 ? Math.ceil(rate / perMessage) : 50, Math.ceil((limit - sent) / perMessage)));
      const messages: { key: string; value: Buffer }[] = [];
      for (let m = 0; m < batch && sent < limit; m++) {
        const records: FlowRecord[] = [];
        for (let r = 0; r < perMessage && sent < limit; r++, sent++) records.push(generator.next());
        messages.push({ key: String(records[0]?.['interface-id'] ?? message), value: payloadOf(shapes[message % shapes.length]!, records, format) });
        message++;
      }
      await target.send(messages);
      if (rate > 0) {
        const due = started + (sent / rate) * 1000;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await target.close();
  }
  io.stderr.write(`vpcflow produce: ${sent} records in ${message} messages (${shapes.join('+')}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

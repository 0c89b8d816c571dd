/**
 * `vpcflow bench [--format F] [--seconds S] [FILE]`: tokenizer throughput on your own data (or on
 * generated data), single thread, so deployments can be sized: records/s and MB/s.
 */
import { startsJson } from '../decode/detect.js';
import { parseFormat } from '../format/format.js';
import { createFlowGenerator, encodeLines } from '../generator/index.js';
import { readChunks } from '../sources/file-chunks.js';
import { createTokenizer } from '../tokenizer/index.js';
import { parseCommandArgs, type CommandIo } from './io.js';

export const BENCH_HELP = `Usage: vpcflow bench [--format F] [--seconds S] [FILE]

Measures the tokenizer on FILE (plain or gzip text, or a CloudWatch Logs envelope), or on 200,000
generated records, on one core, and prints records/s and MB/s. Multiply by the cores you give
vpcflow (minus decompression and aggregation) to size a deployment.

  --format F     record format (default: 'default', or the file's header line)
  --seconds S    how long to measure (default 3)`;

export async function benchCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(
    'bench',
    BENCH_HELP,
    { args: [...argv], allowPositionals: true, options: { format: { type: 'string', default: 'default' }, seconds: { type: 'string', default: '3' }, help: { type: 'boolean', short: 'h' } } },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const seconds = Number(parsed.values.seconds);
  if (!(seconds > 0)) {
    io.stderr.write(`vpcflow bench: --seconds must be a positive number, got ${JSON.stringify(parsed.values.seconds)}\n`);
    return 2;
  }
  let format;
  try {
    format = parseFormat(parsed.values.format);
  } catch (error) {
    io.stderr.write(`vpcflow bench: --format: ${(error as Error).message}\n`);
    return 2;
  }
  const file = parsed.positionals[0];
  let bytes: Uint8Array;
  try {
    if (file) {
      const parts: Uint8Array[] = [];
      for await (const chunk of readChunks(file)) parts.push(chunk);
      bytes = Buffer.concat(parts);
    } else {
      const generator = createFlowGenerator({ seed: 1 });
      bytes = encodeLines(Array.from({ length: 200_000 }, () => generator.next()), format);
    }
  } catch (error) {
    io.stderr.write(`vpcflow bench: ${(error as Error).message}\n`);
    return 1;
  }
  const json = startsJson(bytes);
  const tokenizer = await createTokenizer({ format });
  const pass = (): { records: number; errors: number } => {
    let records = 0;
    let errors = 0;
    tokenizer.reset(format);
    for (const batch of json ? tokenizer.cloudWatchBatches(bytes) : tokenizer.batches(bytes)) {
      records += batch.length;
      errors += batch.errorCount;
    }
    return { records, errors };
  };
  const first = pass(); // also warms the code up
  let passes = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    pass();
    passes++;
  }
  const elapsed = (performance.now() - started) / 1000;
  const source = file ?? '200,000 generated records';
  io.stdout.write(
    `${source}: ${first.records.toLocaleString('en-US')} records (${first.errors} bad), ${(bytes.length / 1e6).toFixed(1)} MB, ${json ? 'CloudWatch Logs envelope' : 'text'}\n` +
      `tokenizer, 1 core: ${((first.records * passes) / elapsed / 1e6).toFixed(2)} M records/s, ${((bytes.length * passes) / elapsed / 1e6).toFixed(0)} MB/s\n`,
  );
  return 0;
}

/**
 * Parse throughput, single thread: the WASM tokenizer against the TypeScript reference parser
 * and a naive split(' ') parser, measured in the same run with benchmark.js, on the default
 * format, the 29-field v5 format and CloudWatch Logs envelopes (vs JSON.parse + split).
 * Buffers are reused, as a streaming consumer would.
 */
import Benchmark from 'benchmark';
import { createTokenizer, type Tokenizer } from '../src/index.js';
import { parseTextReference } from '../src/reference/index.js';
import { parseEnvelopeNaive, parseNaive } from './baselines/naive.js';
import { DEFAULT_TEXT, envelopeInput, V5_TEXT, type TextInput } from './data.js';

export interface SuiteResult {
  suite: string;
  rows: { name: string; recordsPerSecond: number; megabytesPerSecond: number; ratio: number; rme: number }[];
}

function run(suite: string, recordsPerOp: number, bytesPerOp: number, cases: [string, () => void][], baseline: string): Promise<SuiteResult> {
  return new Promise((resolve) => {
    const bench = new Benchmark.Suite(suite);
    for (const [name, fn] of cases) bench.add(name, fn, { minSamples: 10, maxTime: 4 });
    bench.on('complete', function (this: Benchmark.Suite) {
      const results = (this as unknown as Benchmark[]).map((b) => ({ name: b.name!, hz: b.hz, rme: b.stats.rme }));
      const base = results.find((r) => r.name === baseline)!.hz;
      resolve({
        suite,
        rows: results.map((r) => ({ name: r.name, recordsPerSecond: r.hz * recordsPerOp, megabytesPerSecond: (r.hz * bytesPerOp) / 1e6, ratio: r.hz / base, rme: r.rme })),
      });
    });
    bench.run({ async: false });
  });
}

function drain(tokenizer: Tokenizer, bytes: Uint8Array): number {
  let records = 0;
  for (const batch of tokenizer.batches(bytes)) records += batch.length;
  return records;
}

async function textSuite(input: TextInput): Promise<SuiteResult> {
  const tokenizer = await createTokenizer({ format: input.format });
  // Check every contender reads every record before timing them.
  const counts = [drain(tokenizer, input.bytes), parseTextReference(input.bytes, input.format).records.length, parseNaive(input.text, input.format)];
  if (counts.some((c) => c !== input.records)) throw new Error(`${input.name}: parsers disagree on the record count ${counts.join(' / ')}`);
  return run(
    input.name,
    input.records,
    input.bytes.length,
    [
      ['WASM tokenizer', () => drain(tokenizer, input.bytes)],
      ['TS reference parser', () => parseTextReference(input.bytes, input.format)],
      ['naive split(" ")', () => parseNaive(input.text, input.format)],
    ],
    'TS reference parser',
  );
}

async function envelopeSuite(): Promise<SuiteResult> {
  const input = envelopeInput(20, 1000);
  const tokenizer = await createTokenizer();
  const wasm = (): number => {
    let records = 0;
    for (const bytes of input.bytes) for (const batch of tokenizer.cloudWatchBatches(bytes)) records += batch.length;
    return records;
  };
  const decoder = new TextDecoder();
  const naive = (): number => input.bytes.reduce((sum, bytes) => sum + parseEnvelopeNaive(decoder.decode(bytes), input.format), 0);
  if (wasm() !== input.records || naive() !== input.records) throw new Error('envelope parsers disagree on the record count');
  const bytes = input.bytes.reduce((sum, b) => sum + b.length, 0);
  return run('CloudWatch Logs envelopes (1000 events, gunzipped)', input.records, bytes, [
    ['WASM tokenizer', wasm],
    ['JSON.parse + split', naive],
  ], 'JSON.parse + split');
}

export async function parseBenchmarks(records = 200_000): Promise<SuiteResult[]> {
  return [await textSuite(DEFAULT_TEXT(records)), await textSuite(V5_TEXT(records / 2)), await envelopeSuite()];
}

export function printSuite(result: SuiteResult): void {
  console.log(`\n${result.suite}`);
  for (const row of result.rows) {
    console.log(`  ${row.name.padEnd(22)} ${(row.recordsPerSecond / 1e6).toFixed(2).padStart(7)} M records/s  ${row.megabytesPerSecond.toFixed(0).padStart(6)} MB/s  ×${row.ratio.toFixed(2).padStart(6)}  ±${row.rme.toFixed(1)}%`);
  }
}

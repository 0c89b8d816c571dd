/**
 * `npm run bench`: the parse benchmark, the end-to-end one on a file, and the one through Kafka
 * (`npm run bench -- parse`, `-- e2e` or `-- kafka` for one of them). Figures are ratios against
 * baselines measured in the same run.
 */
import { e2eBenchmark, printE2e } from './e2e.bench.js';
import { kafkaBenchmark, printKafka } from './kafka.bench.js';
import { parseBenchmarks, printSuite } from './parse.bench.js';

const which = process.argv[2] ?? 'all';
console.log(`vpcflow benchmarks on Node ${process.version}, ${(await import('node:os')).cpus()[0]?.model ?? 'unknown CPU'} x${(await import('node:os')).availableParallelism()}`);
if (which === 'all' || which === 'parse') for (const suite of await parseBenchmarks()) printSuite(suite);
if (which === 'all' || which === 'e2e') printE2e(await e2eBenchmark(Number(process.env.VPCFLOW_BENCH_RECORDS ?? 5_000_000)));
if (which === 'all' || which === 'kafka') printKafka(await kafkaBenchmark(Number(process.env.VPCFLOW_BENCH_RECORDS ?? 2_000_000)));

/**
 * End to end: `vpcflow run --once` on a generated .log.gz of millions of records, all cores, in
 * records/s and peak RSS, beside DuckDB computing the same 1-minute totals from the same file in
 * the same run. Both results are checked to agree minute by minute before any figure is shown.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFlowLogFile } from '../src/generator/index.js';
import { DEFAULT_FORMAT } from '../src/index.js';
import { sampleProcess, type ProcessSample } from './process-sample.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const DATA = fileURLToPath(new URL('./.data/', import.meta.url));

export interface E2eResult {
  records: number;
  fileBytes: number;
  vpcflow: { seconds: number; recordsPerSecond: number } & ProcessSample;
  duckdb: { seconds: number; recordsPerSecond: number };
  cores: number;
}

async function dataFile(records: number): Promise<string> {
  mkdirSync(DATA, { recursive: true });
  const path = join(DATA, `flows-${records}.log.gz`);
  if (!existsSync(path)) {
    console.log(`generating ${path} ...`);
    await writeFlowLogFile(path, { records, format: DEFAULT_FORMAT, gzip: true, header: true, seed: 5 });
  }
  return path;
}

async function runVpcflow(path: string, windowsOut: string): Promise<{ seconds: number } & ProcessSample> {
  const begun = performance.now();
  const child = spawn(process.execPath, [CLI, 'run', '--input', path, '--once', '--windows', '1m', '--listen', 'none', '--log-level', 'warn', '--progress', 'off', '--windows-out', windowsOut], { stdio: ['ignore', 'inherit', 'inherit'] });
  const sampler = sampleProcess(child.pid!);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const sample = sampler.stop();
  if (code !== 0) throw new Error(`vpcflow exited with ${code}`);
  return { seconds: (performance.now() - begun) / 1000, ...sample };
}

type MinuteTotals = Map<number, [flows: number, packets: number, bytes: number]>;

async function vpcflowMinutes(windowsOut: string): Promise<MinuteTotals> {
  const minutes: MinuteTotals = new Map();
  for (const line of (await readFile(windowsOut, 'utf8')).trim().split('\n')) {
    const window = JSON.parse(line) as { start: number; totals: { flows: number; packets: number; bytes: number }[] };
    const sums = window.totals.reduce<[number, number, number]>((s, g) => [s[0] + g.flows, s[1] + g.packets, s[2] + g.bytes], [0, 0, 0]);
    minutes.set(window.start, sums);
  }
  return minutes;
}

async function runDuckdb(path: string): Promise<{ seconds: number; minutes: MinuteTotals }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const columns = DEFAULT_FORMAT.names.map((name) => `'${name}': '${['packets', 'bytes', 'start', 'end', 'srcport', 'dstport', 'protocol', 'version'].includes(name) ? 'BIGINT' : 'VARCHAR'}'`).join(', ');
  const begun = performance.now();
  const reader = await connection.runAndReadAll(`
    SELECT "end" - "end" % 60 AS minute, action, protocol, "log-status", count(*) AS flows, sum(coalesce(packets, 0)) AS packets, sum(coalesce(bytes, 0)) AS bytes
    FROM read_csv('${path}', delim = ' ', header = true, nullstr = '-', columns = {${columns}})
    GROUP BY ALL`);
  const seconds = (performance.now() - begun) / 1000;
  const minutes: MinuteTotals = new Map();
  for (const row of reader.getRows()) {
    const minute = Number(row[0]);
    const sums = minutes.get(minute) ?? [0, 0, 0];
    minutes.set(minute, [sums[0] + Number(row[4]), sums[1] + Number(row[5]), sums[2] + Number(row[6])]);
  }
  connection.closeSync();
  return { seconds, minutes };
}

export async function e2eBenchmark(records: number): Promise<E2eResult> {
  const path = await dataFile(records);
  const windowsOut = join(tmpdir(), `vpcflow-bench-${process.pid}.jsonl`);
  const vpcflow = await runVpcflow(path, windowsOut);
  const duckdb = await runDuckdb(path);
  const ours = await vpcflowMinutes(windowsOut);
  await rm(windowsOut, { force: true });
  for (const [minute, sums] of duckdb.minutes) {
    const mine = ours.get(minute);
    if (!mine || mine.some((v, i) => v !== sums[i])) throw new Error(`minute ${minute}: vpcflow ${JSON.stringify(mine)} != DuckDB ${JSON.stringify(sums)}`);
  }
  if (ours.size !== duckdb.minutes.size) throw new Error(`vpcflow has ${ours.size} minutes, DuckDB ${duckdb.minutes.size}`);
  return {
    records,
    fileBytes: (await stat(path)).size,
    cores: availableParallelism(),
    vpcflow: { ...vpcflow, recordsPerSecond: records / vpcflow.seconds },
    duckdb: { seconds: duckdb.seconds, recordsPerSecond: records / duckdb.seconds },
  };
}

export function printE2e(result: E2eResult): void {
  console.log(`\nEnd to end: 1-minute totals of ${(result.records / 1e6).toFixed(1)} M records (${(result.fileBytes / 1e6).toFixed(0)} MB .log.gz), ${result.cores} cores; both agree minute by minute`);
  const v = result.vpcflow;
  console.log(`  vpcflow run --once   ${v.seconds.toFixed(2).padStart(6)} s  ${(v.recordsPerSecond / 1e6).toFixed(2)} M records/s  peak RSS ${v.peakRssMb.toFixed(0)} MB`);
  if (v.cpuSeconds > 0) console.log(`                       CPU ${v.cpuSeconds.toFixed(2)} s (main thread ${v.mainThreadSeconds.toFixed(2)} s; the rest: workers, gunzip, V8 compiler and GC threads)`);
  console.log(`  DuckDB read_csv      ${result.duckdb.seconds.toFixed(2).padStart(6)} s  ${(result.duckdb.recordsPerSecond / 1e6).toFixed(2)} M records/s`);
  console.log(`  vpcflow / DuckDB     ×${(result.vpcflow.recordsPerSecond / result.duckdb.recordsPerSecond).toFixed(2)}`);
}

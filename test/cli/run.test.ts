import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseFormat } from '../../src/format/format.js';
import { writeFlowLogFile } from '../../src/generator/index.js';
import { exited, runCli, startCli } from '../helpers/cli.js';

describe('vpcflow run', () => {
  it('replays a gzip file with --once: every record is in a window or counted late, windows go to --windows-out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vpcflow-run-'));
    const input = join(dir, 'flows.log.gz');
    const records = 120_000;
    await writeFlowLogFile(input, { records, format: parseFormat('default'), gzip: true, header: true, recordsPerSecond: 200, outOfOrderSeconds: 30 });
    const out = join(dir, 'windows.jsonl');
    const result = await runCli(['run', '--input', input, '--once', '--windows-out', out, '--listen', 'none', '--log-format', 'json', '--workers', '2', '--payload-bytes', '256KiB'], { timeoutMs: 120_000 });
    expect(result.stderr).not.toMatch(/"level":50/);
    expect(result.code).toBe(0);
    const windows = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const oneMinute = windows.filter((w) => w.window === '1m');
    expect(oneMinute.length).toBeGreaterThan(5);
    for (const window of windows) {
      expect(Object.keys(window)).toEqual(expect.arrayContaining(['window', 'start', 'end', 'totals', 'top_talkers', 'top_destinations', 'top_rejected_ports', 'top_rejected_sources', 'top_interfaces']));
      expect(window.end).toBe((window.start as number) + (window.window === '1m' ? 60 : 600));
    }
    const flows = (list: Record<string, unknown>[]) => list.flatMap((w) => w.totals as { flows: number }[]).reduce((sum, g) => sum + g.flows, 0);
    const summary = JSON.parse(result.stderr.split('\n').find((l) => l.includes('"vpcflow stopped"'))!) as { summary: { good: number; late: Record<string, number> } };
    expect(summary.summary.good).toBe(records);
    expect(flows(oneMinute) + (summary.summary.late['1m'] ?? 0)).toBe(records);
    expect(flows(windows.filter((w) => w.window === '10m')) + (summary.summary.late['10m'] ?? 0)).toBe(records);
  }, 150_000);

  it('reads what it can of a truncated gzip file, names it and a Parquet file, goes on with the other files and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vpcflow-bad-inputs-'));
    const logs = join(dir, 'logs');
    await mkdir(logs);
    const good = 30_000;
    await writeFlowLogFile(join(logs, 'a-good.log.gz'), { records: good, format: parseFormat('default'), gzip: true, header: true, recordsPerSecond: 200, seed: 1 });
    const whole = join(dir, 'whole.log.gz');
    await writeFlowLogFile(whole, { records: 30_000, format: parseFormat('default'), gzip: true, header: true, recordsPerSecond: 200, seed: 2 });
    const compressed = await readFile(whole);
    const truncated = compressed.subarray(0, Math.floor(compressed.length / 2));
    await writeFile(join(logs, 'b-truncated.log.gz'), truncated);
    await writeFile(join(logs, 'c-flows.log.parquet'), Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(200, 7), Buffer.from('PAR1')]));
    // What gunzip recovers before the break, by zlib on its own: every complete line after the header is a record.
    const recovered = gunzipSync(truncated, { finishFlush: constants.Z_SYNC_FLUSH }).toString('latin1');
    const completeLines = recovered.slice(0, recovered.lastIndexOf('\n') + 1).split('\n').length - 2;
    const out = join(dir, 'windows.jsonl');
    const result = await runCli(['run', '--input', logs, '--once', '--windows', '1m', '--windows-out', out, '--listen', 'none', '--log-format', 'json', '--progress', 'off'], { timeoutMs: 60_000 });
    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    expect(result.stderr).toMatch(/b-truncated\.log\.gz: unexpected end of file \(is the gzip file truncated\?\); going on with the next input/);
    expect(result.stderr).toMatch(/c-flows\.log\.parquet is a Parquet file; .*plain-text/);
    expect(result.stderr).toMatch(/vpcflow run: 2 input\(s\) could not be read to their end/);
    const summary = (JSON.parse(result.stderr.split('\n').find((l) => l.includes('"vpcflow stopped"'))!) as { summary: { good: number; errors: number; inputErrors: number; late: Record<string, number> } }).summary;
    expect(summary.inputErrors).toBe(2);
    expect(summary.good).toBe(good + completeLines);
    // The line the break cut off is a bad record, unless the break fell at a line end.
    expect(summary.errors).toBeLessThanOrEqual(1);
    const windows = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { totals: { flows: number }[] });
    expect(windows.flatMap((w) => w.totals).reduce((sum, g) => sum + g.flows, 0) + (summary.late['1m'] ?? 0)).toBe(good + completeLines);
  }, 90_000);

  it('serves /metrics, /healthz and /readyz on the demo feed, and exits 0 on SIGTERM', async () => {
    const { child, url } = await startCli(['run', '--listen', '127.0.0.1:0', '--log-format', 'json', '--demo-rate', '3000', '--windows', '10s,1m', '--out-of-orderness', '60s', '--allowed-lateness', '1s']);
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      let ready = 0;
      for (let i = 0; i < 50 && ready !== 200; i++) {
        ready = (await fetch(`${url}/readyz`)).status;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(200);
      await new Promise((r) => setTimeout(r, 2500));
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^vpcflow_records_total [1-9]\d*$/m);
      expect(metrics).toMatch(/^vpcflow_flow_bytes_total\{action="ACCEPT",protocol="tcp",/m);
    } finally {
      const begun = Date.now();
      child.kill('SIGTERM');
      const { code } = await exited(child);
      expect(code).toBe(0);
      expect(Date.now() - begun).toBeLessThan(10_000);
    }
  }, 60_000);

  it('stops at start-up on an invalid setting, naming it, its bad value and what is allowed', async () => {
    const flag = await runCli(['run', '--window-time', 'middle']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/windowTime \(--window-time, VPCFLOW_WINDOW_TIME\): "middle".*end, start, prorate/);
    const env = await runCli(['run', '--print-config'], { env: { VPCFLOW_INTERNAL_CIDRS: '10.0.0.0/8,not-a-cidr' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/internalCidrs .*not-a-cidr.*CIDR/);
    const deadLetters = await runCli(['run', '--print-config', '--dead-letter-topic', 'dlq']);
    expect(deadLetters.code).toBe(2);
    expect(deadLetters.stderr).toMatch(/deadLetterTopic .*source is demo; use --dead-letter-file PATH instead/);
  });

  it('merges flags over VPCFLOW_* variables over a config file, and prints the result', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vpcflow-config-'));
    const file = join(dir, 'vpcflow.yaml');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'topK: 5\nwindowTime: start\nlisten: 127.0.0.1:9999\n'));
    const result = await runCli(['run', '--config', file, '--print-config', '--top-k', '7'], { env: { VPCFLOW_WINDOW_TIME: 'prorate' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^topK: 7$/m);
    expect(result.stdout).toMatch(/^windowTime: prorate$/m);
    expect(result.stdout).toMatch(/host: 127\.0\.0\.1\n\s+port: 9999/);
  });
});

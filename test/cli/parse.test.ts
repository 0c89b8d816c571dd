import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../helpers/conformance.js';
import { runCli } from '../helpers/cli.js';

const sample = (name: string): string => new URL(`samples/${name}`, CONFORMANCE_DIR).pathname;

describe('vpcflow parse', () => {
  it('prints one JSON object per record, reports bad lines with file, line and reason, and sums up', async () => {
    const result = await runCli(['parse', sample('flowlogs-reader-v5-s3.log')]);
    expect(result.code).toBe(0);
    const records = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ 'account-id': '999999999999', srcaddr: '198.51.100.7', 'pkt-src-aws-service': 'S3', 'traffic-path': null });
    expect(result.stderr).toContain(`${sample('flowlogs-reader-v5-s3.log')}:4: too_few_fields (az-id): bogus line`);
    expect(result.stderr).toMatch(/2 records, 1 bad \(too_few_fields 1\), 1 header lines/);
  });

  it('reads gzip files and standard input, and CloudWatch Logs envelopes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vpcflow-parse-'));
    const gz = join(dir, 'flows.log.gz');
    const text = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n';
    await writeFile(gz, gzipSync(text));
    const fromFile = await runCli(['parse', gz, sample('otel-cwl-subscription-default.json')]);
    expect(fromFile.stdout.trim().split('\n')).toHaveLength(3);
    const fromStdin = await runCli(['parse', '--format', '${srcaddr} ${dstaddr}'], { input: Buffer.from('10.0.0.1 10.0.0.2\n::1 -\n') });
    expect(fromStdin.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { srcaddr: '10.0.0.1', dstaddr: '10.0.0.2' },
      { srcaddr: '::1', dstaddr: null },
    ]);
  });

  it('exits 1 for an unreadable file and 2 for unusable arguments, with a clear message', async () => {
    const missing = await runCli(['parse', '/nonexistent/flows.log']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read \/nonexistent\/flows\.log/);
    const badFormat = await runCli(['parse', '--format', '${version} ${version}']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/--format: .*names the field "version" twice/);
  });
});

describe('vpcflow bench', () => {
  it('measures the tokenizer on a file and prints records/s and MB/s', async () => {
    const result = await runCli(['bench', '--seconds', '0.3', sample('cloudfwd-cwl-lambdaprocessed-default-360.log')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/360 records \(0 bad\)/);
    expect(result.stdout).toMatch(/tokenizer, 1 core: \d+\.\d\d M records\/s, \d+ MB\/s/);
  });
});

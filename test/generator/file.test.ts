import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT } from '../../src/format/format.js';
import { V5_29_FORMAT, createFlowGenerator, renderLines, writeFlowLogFile } from '../../src/generator/index.js';

const directory = await mkdtemp(join(tmpdir(), 'vpcflow-generator-'));
afterAll(() => rm(directory, { recursive: true, force: true }));

function expectedText(count: number, seed: number, version: number, format = V5_29_FORMAT, header = false): string {
  const generator = createFlowGenerator({ seed, version });
  return renderLines(Array.from({ length: count }, () => generator.next()), format, { header });
}

describe('writeFlowLogFile', () => {
  it('writes a gzip file that round-trips through zlib, header first', async () => {
    const path = join(directory, 'v5.log.gz');
    await writeFlowLogFile(path, { records: 20_000, format: V5_29_FORMAT, gzip: true, header: true, seed: 9 });
    const text = gunzipSync(await readFile(path)).toString('utf8');
    expect(text).toBe(expectedText(20_000, 9, 5, V5_29_FORMAT, true));
    expect(text.split('\n')).toHaveLength(20_002);
  });

  it('writes plain text with the version AWS uses for the format', async () => {
    const path = join(directory, 'default.log');
    await writeFlowLogFile(path, { records: 1_000, format: DEFAULT_FORMAT, seed: 2 });
    const text = await readFile(path, 'utf8');
    expect(text).toBe(expectedText(1_000, 2, 2, DEFAULT_FORMAT));
    expect(text.startsWith('2 ')).toBe(true);
  });

  it('writes an empty file for zero records and refuses a negative count', async () => {
    const path = join(directory, 'empty.log');
    await writeFlowLogFile(path, { records: 0, format: DEFAULT_FORMAT });
    expect(await readFile(path, 'utf8')).toBe('');
    await expect(writeFlowLogFile(path, { records: -1, format: DEFAULT_FORMAT })).rejects.toMatchObject({ code: 'VPCFLOW_CONFIG_INVALID' });
  });
});

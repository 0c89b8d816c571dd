/**
 * Undecodable payloads go to the dead-letter file with their coordinates and bytes intact, are
 * counted, and never stop the pipeline; a dead-letter write that fails is counted too.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFileDeadLetter } from '../../src/dead-letter/dead-letter.js';
import { gzipText } from '../../src/generator/index.js';
import type { Source, SourceSink } from '../../src/sources/source.js';
import { baseSettings, runPipeline } from '../helpers/run-pipeline.js';

const LINE = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n';
const logger = pino({ level: 'silent' });

/** Raw payloads on one partition, positions 1, 2, 3... */
function bytesSource(payloads: readonly Uint8Array[]): Source {
  return {
    name: 'test',
    ready: true,
    stop() {},
    async run(sink: SourceSink) {
      let position = 0;
      for (const payload of payloads) await sink.push({ partition: 'p0', position: String(++position), payload });
      sink.endPartition('p0');
    },
  };
}

const whole = gzipText(LINE.repeat(200));
const truncatedGzip = whole.subarray(0, whole.length >> 1);
const brokenEnvelope = gzipText('{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":1,"message":"2 1234');
const payloads = [Buffer.from(LINE), truncatedGzip, Buffer.from(LINE.repeat(3)), brokenEnvelope, Buffer.from(LINE)];

describe('dead letters', () => {
  it('writes each undecodable payload to the file with partition, position, reason and its exact bytes', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'vpcflow-dlq-')), 'dead.jsonl');
    const { summary, metrics } = await runPipeline(bytesSource(payloads), baseSettings({ deadLetters: true }), {}, { deadLetter: (counted) => createFileDeadLetter(path, logger, counted) });
    expect(summary.good).toBe(5);
    const letters = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { source: string; partition: string; position: string; reason: string; bytes: number; payload: string; time: string });
    expect(letters.map(({ source, partition, position, reason, bytes }) => ({ source, partition, position, reason, bytes }))).toEqual([
      { source: 'test', partition: 'p0', position: '2', reason: 'bad_gzip', bytes: truncatedGzip.length },
      { source: 'test', partition: 'p0', position: '4', reason: 'envelope_malformed', bytes: brokenEnvelope.length },
    ]);
    expect(Buffer.from(letters[0]!.payload, 'base64').equals(truncatedGzip)).toBe(true);
    expect(Buffer.from(letters[1]!.payload, 'base64').equals(brokenEnvelope)).toBe(true);
    expect(Number.isNaN(Date.parse(letters[0]!.time))).toBe(false);
    expect(metrics).toMatch(/vpcflow_dead_letters_total\{outcome="written",reason="bad_gzip"\} 1\n/);
    expect(metrics).toMatch(/vpcflow_dead_letters_total\{outcome="written",reason="envelope_malformed"\} 1\n/);
  });

  it('counts a dead letter it cannot write, and the run goes on', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'vpcflow-dlq-')), 'missing-dir', 'dead.jsonl');
    const { summary, metrics } = await runPipeline(bytesSource(payloads), baseSettings({ deadLetters: true }), {}, { deadLetter: (counted) => createFileDeadLetter(path, logger, counted) });
    expect(summary.good).toBe(5);
    expect(metrics).toMatch(/vpcflow_dead_letters_total\{outcome="failed",reason="bad_gzip"\} 1\n/);
    expect(metrics).toMatch(/vpcflow_source_undecodable_payloads_total\{reason="bad_gzip"\} 1\n/);
  });

  it('sends nothing back from the workers when dead letters are off', async () => {
    const { metrics } = await runPipeline(bytesSource(payloads), baseSettings(), {});
    expect(metrics).not.toMatch(/vpcflow_dead_letters_total\{/);
    expect(metrics).toMatch(/vpcflow_source_undecodable_payloads_total\{reason="envelope_malformed"\} 1\n/);
  });
});

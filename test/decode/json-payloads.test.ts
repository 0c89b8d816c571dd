/**
 * JSON payloads that are cut (a truncated Firehose record, an array or an envelope that breaks
 * off) are malformed as a whole in the running pipeline: none of their records is counted, the
 * payload is counted in vpcflow_source_undecodable_payloads_total and goes to the dead letters
 * whole; well-formed JSON payloads around them are counted in full.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../src/dead-letter/dead-letter.js';
import { baseSettings, payloadSource, runPipeline } from '../helpers/run-pipeline.js';

const LINE = '2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 49152 6 10 840 1600000000 1600000060 ACCEPT OK';
const events = (count: number): string => Array.from({ length: count }, (_, i) => `{"id":"${i}","timestamp":1600000000000,"message":"${LINE}"}`).join(',');

describe('JSON payloads in the pipeline', () => {
  it('a cut one counts none of its records, is counted as malformed and dead-lettered whole', async () => {
    const cut = [
      `{"message":"${LINE}","timestamp":16`,
      `{"message":"${LINE}"}\n{"message":"${LINE}"}\n{"message":"${LINE}`,
      `{"messageType":"DATA_MESSAGE","owner":"123456789012","logEvents":[${events(3)},`,
      // Needs several batches (maxRecordsPerBatch 4): the cut is found before any leaves.
      `{"messageType":"DATA_MESSAGE","owner":"123456789012","logEvents":[${events(10)}]`,
    ];
    const good = [LINE, `{"message":"${LINE}","timestamp":16}`, `{"messageType":"DATA_MESSAGE","logEvents":[${events(10)}]}`];
    const letters: { position: string; reason: string; payload: string }[] = [];
    const deadLetter: DeadLetter = {
      target: 'memory',
      write: ({ position, reason, payload }) => void letters.push({ position, reason, payload: Buffer.from(payload).toString() }),
      flush: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const { summary, metrics } = await runPipeline(
      payloadSource([...good, ...cut].map((text) => ({ partition: 'p0', text }))),
      baseSettings({ maxRecordsPerBatch: 4, deadLetters: true }),
      {},
      { deadLetter: () => deadLetter },
    );
    expect(summary.good).toBe(1 + 1 + 10);
    expect(summary.records).toBe(12);
    expect(summary.errors).toBe(0);
    expect(metrics).toMatch(/vpcflow_source_undecodable_payloads_total\{reason="envelope_malformed"\} 4\n/);
    expect(letters).toEqual(cut.map((payload, i) => ({ position: String(good.length + i + 1), reason: 'envelope_malformed', payload })));
  });

  it('an array of message records is read as JSON, plain or gzip, and a cut one is malformed', async () => {
    const array = (count: number): string => `[${Array.from({ length: count }, () => `{"message":"${LINE}"}`).join(',')}]`;
    const { summary, metrics } = await runPipeline(
      payloadSource([
        { partition: 'p0', text: array(3) },
        { partition: 'p0', text: ` \n${array(2)}` },
        { partition: 'p0', text: gzipSync(array(4)) },
        { partition: 'p0', text: array(5).slice(0, -1) },
      ]),
      baseSettings({}),
    );
    expect(summary.good).toBe(3 + 2 + 4);
    expect(summary.errors).toBe(0);
    expect(metrics).toMatch(/vpcflow_source_undecodable_payloads_total\{reason="envelope_malformed"\} 1\n/);
  });
});

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isVpcflowError } from '../../../src/errors.js';
import { openCheckpointStore, type CheckpointStoreOptions } from '../../../src/sources/kinesis/checkpoints.js';
import { checkpointDir } from './helpers.js';

const created = new Date('2026-01-01T00:00:00Z');
const options = (dir: string, index = 0, count = 1): CheckpointStoreOptions => ({
  dir,
  stream: 'flows',
  streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/flows',
  streamCreated: created,
  slice: { index, count },
  logger: pino({ level: 'silent' }),
});

describe('checkpoint store', () => {
  it('round-trips positions, finished shards, roots and the closed-through mark', async () => {
    const dir = await checkpointDir();
    const store = await openCheckpointStore(options(dir));
    expect(store.closedThrough).toBe(-Infinity);
    store.setListing(new Map([['s-0', 's-0'], ['s-1', 's-0']]), new Set(['s-0', 's-1']));
    store.setPosition('s-0', '100');
    store.setFinished('s-0');
    store.setPosition('s-1', '205:3');
    store.setClosedThrough(1_800_000_000);
    // The end-of-input flush of a --once run is not a time.
    store.setClosedThrough(Infinity);
    await store.save();
    expect(await readdir(dir)).toEqual(['kinesis-flows.slice-0-of-1.json']);

    const again = await openCheckpointStore(options(dir));
    expect(again.closedThrough).toBe(1_800_000_000);
    expect([again.position('s-0'), again.isFinished('s-0'), again.position('s-1'), again.isFinished('s-1')]).toEqual(['100', true, '205:3', false]);
    expect(again.roots.get('s-1')).toBe('s-0');
  });

  it('merges every slice file (the furthest position wins) but keeps only its own mark', async () => {
    const dir = await checkpointDir();
    const a = await openCheckpointStore(options(dir, 0, 2));
    a.setPosition('s-0', '100');
    a.setClosedThrough(1_000);
    await a.save();
    const b = await openCheckpointStore(options(dir, 1, 2));
    b.setPosition('s-0', '90');
    b.setPosition('s-1', '7:1');
    b.setClosedThrough(2_000);
    await b.save();

    const resliced = await openCheckpointStore(options(dir, 0, 3));
    expect([resliced.position('s-0'), resliced.position('s-1'), resliced.closedThrough]).toEqual(['100', '7:1', -Infinity]);
    const same = await openCheckpointStore(options(dir, 1, 2));
    expect(same.closedThrough).toBe(2_000);
  });

  it('ignores checkpoints of an earlier stream of the same name', async () => {
    const dir = await checkpointDir();
    const old = await openCheckpointStore({ ...options(dir), streamCreated: new Date('2025-01-01T00:00:00Z') });
    old.setPosition('s-0', '100');
    await old.save();
    expect((await openCheckpointStore(options(dir))).position('s-0')).toBeNull();
  });

  it('a corrupt file stops start-up with a message naming it', async () => {
    const dir = await checkpointDir();
    await writeFile(join(dir, 'kinesis-flows.slice-0-of-1.json'), '{"version":1,');
    const error = await openCheckpointStore(options(dir)).catch((e: unknown) => e);
    expect(isVpcflowError(error, 'VPCFLOW_CHECKPOINT_IO')).toBe(true);
    expect((error as Error).message).toMatch(/kinesis-flows\.slice-0-of-1\.json cannot be read/);
  });

  it('concurrent saves leave one complete file and no temp files', async () => {
    const dir = await checkpointDir();
    const store = await openCheckpointStore(options(dir));
    await Promise.all(Array.from({ length: 20 }, (_, i) => {
      store.setPosition('s-0', String(i));
      return store.save();
    }));
    expect(await readdir(dir)).toEqual(['kinesis-flows.slice-0-of-1.json']);
    expect(JSON.parse(await readFile(join(dir, 'kinesis-flows.slice-0-of-1.json'), 'utf8')).shards['s-0'].position).toBe('19');
  });
});

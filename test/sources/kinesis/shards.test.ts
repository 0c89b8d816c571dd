import { describe, expect, it } from 'vitest';
import { comparePositions, formatPosition, parsePosition } from '../../../src/sources/kinesis/position.js';
import { assignShards, lineageRoot, sliceOfRoot, type ShardInfo } from '../../../src/sources/kinesis/shards.js';

const shard = (id: number, ...parents: number[]): ShardInfo => ({ id: `shardId-${String(id).padStart(12, '0')}`, parents: parents.map((p) => `shardId-${String(p).padStart(12, '0')}`), closed: false });

describe('shard lineage and slices', () => {
  // 0 and 1 are the stream's first shards; 0 split into 2 and 3; 3 and 1 merged into 4.
  const listed = [shard(0), shard(1), shard(2, 0), shard(3, 0), shard(4, 3, 1)];
  const byId = new Map(listed.map((s) => [s.id, s]));

  it('follows ParentShardId to the oldest ancestor', () => {
    expect(lineageRoot('shardId-000000000004', byId, new Map())).toBe('shardId-000000000000');
    expect(lineageRoot('shardId-000000000001', byId, new Map())).toBe('shardId-000000000001');
  });

  it('a parent past retention (no longer listed) still names the lineage; remembered roots win', () => {
    const later = new Map([...byId].filter(([id]) => id !== 'shardId-000000000000'));
    expect(lineageRoot('shardId-000000000002', later, new Map())).toBe('shardId-000000000000');
    const latest = new Map([...later].filter(([id]) => id !== 'shardId-000000000003'));
    expect(lineageRoot('shardId-000000000004', latest, new Map())).toBe('shardId-000000000003');
    expect(lineageRoot('shardId-000000000004', latest, new Map([['shardId-000000000004', 'shardId-000000000000']]))).toBe('shardId-000000000000');
  });

  it('spreads a stream’s first shards evenly; children stay with their lineage', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => sliceOfRoot(`shardId-${String(n).padStart(12, '0')}`, 3))).toEqual([0, 1, 2, 0, 1, 2]);
    const slice0 = assignShards(listed, { index: 0, count: 2 }, new Map());
    expect([...slice0].filter(([, a]) => a.mine).map(([id]) => id)).toEqual(['shardId-000000000000', 'shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004']);
    const slice1 = assignShards(listed, { index: 1, count: 2 }, new Map());
    expect([...slice1].filter(([, a]) => a.mine).map(([id]) => id)).toEqual(['shardId-000000000001']);
  });

  it('hashes ids of another shape into range, stably', () => {
    for (const id of ['a', 'shard-x', 'shardId-abc']) {
      const slice = sliceOfRoot(id, 5);
      expect(slice).toBeGreaterThanOrEqual(0);
      expect(slice).toBeLessThan(5);
      expect(sliceOfRoot(id, 5)).toBe(slice);
    }
  });
});

describe('positions', () => {
  it('order by sequence number (128-bit decimals), then sub-sequence', () => {
    const a = '49680646769311578889160734775743639675259558354843860994';
    const b = '49680646769311578889160734775864532257221021272314478594';
    expect(comparePositions(a, b)).toBeLessThan(0);
    expect(comparePositions(formatPosition(b, 2), formatPosition(b, 10))).toBeLessThan(0);
    expect(comparePositions(formatPosition(a, 7), b)).toBeLessThan(0);
    expect(comparePositions(b, b)).toBe(0);
    expect(parsePosition(formatPosition(a, 3))).toEqual({ sequenceNumber: a, subSequence: 3 });
    expect(parsePosition(a)).toEqual({ sequenceNumber: a, subSequence: null });
  });
});

/**
 * Shard discovery and lineage. ListShards is paged (NextToken); a shard's parents come from
 * ParentShardId and AdjacentParentShardId (a merge has two). Replicas split the shards by lineage
 * root, so a child stays in its parent's slice and its reader can wait for the parent.
 */
import { ListShardsCommand, type KinesisClient, type ListShardsCommandInput } from '@aws-sdk/client-kinesis';
import type { StreamRef } from './client.js';
import type { ShardSlice } from './config.js';

export interface ShardInfo {
  id: string;
  /** ParentShardId then AdjacentParentShardId, when present (listed or not). */
  parents: string[];
  /** Closed by a split or merge: reading it ends at SHARD_END. */
  closed: boolean;
}

export async function listShards(client: KinesisClient, stream: StreamRef, pageSize: number, signal: AbortSignal): Promise<ShardInfo[]> {
  for (;;) {
    const shards: ShardInfo[] = [];
    let input: ListShardsCommandInput = { ...stream.params, MaxResults: pageSize };
    try {
      for (;;) {
        const page = await client.send(new ListShardsCommand(input), { abortSignal: signal });
        for (const shard of page.Shards ?? []) {
          shards.push({
            id: shard.ShardId!,
            parents: [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => id !== undefined),
            closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
          });
        }
        if (!page.NextToken) return shards;
        // With a NextToken the stream must not be named again.
        input = { NextToken: page.NextToken, MaxResults: pageSize };
      }
    } catch (error) {
      // A token is valid for 300 s; a listing that took longer starts over.
      if ((error as { name?: string }).name !== 'ExpiredNextTokenException') throw error;
    }
  }
}

/**
 * The oldest known ancestor along ParentShardId. A parent that is no longer listed (past the
 * retention period) still counts by its id, and `remembered` roots (from the checkpoint files)
 * keep the answer stable when older generations drop out of the listing.
 */
export function lineageRoot(id: string, byId: ReadonlyMap<string, ShardInfo>, remembered: ReadonlyMap<string, string>): string {
  let current = id;
  for (;;) {
    const known = remembered.get(current);
    if (known !== undefined) return known;
    const parent = byId.get(current)?.parents[0];
    if (parent === undefined) return current;
    current = parent;
  }
}

const SHARD_NUMBER = /^shardId-(\d+)$/;

/**
 * The slice of a lineage root. Kinesis numbers a stream's shards in order, so the number modulo
 * the slice count spreads the original shards (the roots) evenly; other ids are hashed (FNV-1a).
 */
export function sliceOfRoot(root: string, count: number): number {
  const number = SHARD_NUMBER.exec(root)?.[1];
  if (number !== undefined) return Number(BigInt(number) % BigInt(count));
  let hash = 0x811c9dc5;
  for (let i = 0; i < root.length; i++) hash = Math.imul(hash ^ root.charCodeAt(i), 0x01000193) >>> 0;
  return hash % count;
}

/** Each listed shard's lineage root, and whether it is in `slice`. */
export function assignShards(shards: readonly ShardInfo[], slice: ShardSlice, remembered: ReadonlyMap<string, string>): Map<string, { root: string; mine: boolean }> {
  const byId = new Map(shards.map((shard) => [shard.id, shard]));
  const assigned = new Map<string, { root: string; mine: boolean }>();
  for (const shard of shards) {
    const root = lineageRoot(shard.id, byId, remembered);
    assigned.set(shard.id, { root, mine: sliceOfRoot(root, slice.count) === slice.index });
  }
  return assigned;
}

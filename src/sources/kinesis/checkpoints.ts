/**
 * Kinesis checkpoints: per stream and slice, one JSON file in the checkpoint directory holding
 * each shard's last safe position, the shards finished (read to SHARD_END and committed), the
 * lineage roots seen (so slices stay put when old shards expire), and the closed-through time.
 *
 * Files are replaced atomically (temp file, fsync, rename, fsync of the directory), so a crash
 * leaves the old or the new file, never half of one. On open, every slice's file of the stream is
 * read and merged (positions only move forward, so the furthest wins): when the slice count
 * changes over a shared directory, a shard's new owner resumes where the old one committed. A
 * file keeps only its slice's shards.
 */
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { VpcflowError } from '../../errors.js';
import type { ShardSlice } from './config.js';
import { comparePositions } from './position.js';

const FILE_VERSION = 1;

interface ShardEntry {
  position: string | null;
  finished: boolean;
}

interface CheckpointFile {
  version: number;
  stream: string;
  streamArn: string;
  /** A stream deleted and created again under the same name reuses shard ids: its old checkpoints must not apply. */
  streamCreated: string;
  slice: string;
  /** Windows ending at or before this (Unix seconds) were emitted; null: none yet. */
  closedThrough: number | null;
  shards: Record<string, ShardEntry>;
  roots: Record<string, string>;
  updatedAt: string;
}

export interface CheckpointStoreOptions {
  dir: string;
  /** Stream name (not ARN). */
  stream: string;
  streamArn: string;
  streamCreated: Date;
  slice: ShardSlice;
  logger: Logger;
}

export interface CheckpointStore {
  readonly path: string;
  /** This slice's emitted-windows mark (-Infinity when none was stored). */
  readonly closedThrough: number;
  position(shard: string): string | null;
  isFinished(shard: string): boolean;
  /** Lineage roots remembered from earlier listings. */
  readonly roots: ReadonlyMap<string, string>;
  setPosition(shard: string, position: string): void;
  setFinished(shard: string): void;
  setClosedThrough(closedThrough: number): void;
  /** After a listing: remember the listed shards' roots; keep positions of this slice's shards only. */
  setListing(roots: ReadonlyMap<string, string>, mine: ReadonlySet<string>): void;
  save(): Promise<void>;
}

const fileName = (stream: string, slice: ShardSlice): string => `kinesis-${stream}.slice-${slice.index}-of-${slice.count}.json`;

export async function openCheckpointStore(options: CheckpointStoreOptions): Promise<CheckpointStore> {
  const { dir, stream, logger } = options;
  const path = join(dir, fileName(stream, options.slice));
  const created = options.streamCreated.toISOString();
  const shards = new Map<string, ShardEntry>();
  const roots = new Map<string, string>();
  let closedThrough = -Infinity;

  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw checkpointError(`cannot read the checkpoint directory ${dir} (--checkpoint-dir)`, error, dir);
  });
  for (const name of names.filter((n) => n.startsWith(`kinesis-${stream}.slice-`) && n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    let content: CheckpointFile;
    try {
      content = JSON.parse(await readFile(file, 'utf8')) as CheckpointFile;
    } catch (error) {
      throw checkpointError(`checkpoint file ${file} cannot be read (${(error as Error).message}); fix or remove it (its shards then start from --start-position)`, error, file);
    }
    if (content.version !== FILE_VERSION || content.stream !== stream) continue;
    if (content.streamCreated !== created) {
      logger.warn({ file, checkpointFor: content.streamCreated, streamCreated: created }, 'ignoring checkpoints of an earlier stream of the same name');
      continue;
    }
    for (const [shard, entry] of Object.entries(content.shards)) {
      const known = shards.get(shard);
      const furthest = known?.position && entry.position ? (comparePositions(known.position, entry.position) >= 0 ? known.position : entry.position) : (known?.position ?? entry.position);
      shards.set(shard, { position: furthest, finished: (known?.finished ?? false) || entry.finished });
    }
    for (const [shard, root] of Object.entries(content.roots)) if (!roots.has(shard)) roots.set(shard, root);
    // The mark is about this slice's own windows: another replica's windows say nothing about ours.
    if (file === path && content.closedThrough !== null) closedThrough = content.closedThrough;
  }

  let chain: Promise<void> = Promise.resolve();
  let temp = 0;

  async function write(): Promise<void> {
    const content: CheckpointFile = {
      version: FILE_VERSION,
      stream,
      streamArn: options.streamArn,
      streamCreated: created,
      slice: `${options.slice.index}/${options.slice.count}`,
      closedThrough: Number.isFinite(closedThrough) ? closedThrough : null,
      shards: Object.fromEntries(shards),
      roots: Object.fromEntries(roots),
      updatedAt: new Date().toISOString(),
    };
    const tempPath = `${path}.${process.pid}.${temp++}.tmp`;
    try {
      await mkdir(dir, { recursive: true });
      const handle = await open(tempPath, 'w');
      try {
        await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tempPath, path);
      await syncDirectory(dir);
    } catch (error) {
      await rm(tempPath, { force: true });
      throw checkpointError(`cannot write checkpoint file ${path} (--checkpoint-dir)`, error, path);
    }
  }

  const entry = (shard: string): ShardEntry => {
    let found = shards.get(shard);
    if (!found) {
      found = { position: null, finished: false };
      shards.set(shard, found);
    }
    return found;
  };

  return {
    path,
    get closedThrough() {
      return closedThrough;
    },
    roots,
    position: (shard) => shards.get(shard)?.position ?? null,
    isFinished: (shard) => shards.get(shard)?.finished ?? false,
    setPosition(shard, position) {
      entry(shard).position = position;
    },
    setFinished(shard) {
      entry(shard).finished = true;
    },
    setClosedThrough(value) {
      // +Infinity is the end-of-input flush of a --once run, not a time: a later run's windows
      // are new, so the mark stays at the last real window boundary.
      if (Number.isFinite(value) && value > closedThrough) closedThrough = value;
    },
    setListing(listed, mine) {
      for (const [shard, root] of listed) roots.set(shard, root);
      for (const shard of roots.keys()) if (!listed.has(shard)) roots.delete(shard);
      for (const shard of shards.keys()) if (!mine.has(shard)) shards.delete(shard);
    },
    save() {
      // One write at a time, in order: each writes the state as it is when its turn comes.
      const next = chain.then(write);
      chain = next.catch(() => undefined);
      return next;
    },
  };
}

/** Makes the rename durable; not every platform can open a directory, and there it is skipped. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    return;
  } finally {
    await handle?.close();
  }
}

function checkpointError(message: string, cause: unknown, file: string): VpcflowError {
  return new VpcflowError('VPCFLOW_CHECKPOINT_IO', message, { cause, retriable: true, context: { setting: 'checkpointDir', file } });
}

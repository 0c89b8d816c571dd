/**
 * Which services infra:up started (and so which ones infra:down may stop), kept in
 * .infra/state.json so a later process (npm run infra:down, the vitest teardown) knows.
 * A service that was already answering when we looked is never recorded: it is not ours to stop.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isAlive, sleep } from './proc.js';

export const SERVICES = ['kafka', 'kinesis'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ServiceRecord {
  /** Process-group leader, started with setsid. */
  pid: number;
  /** A string in the process's command line, so a reused pid is never mistaken for ours. */
  marker: string;
  startedAt: string;
  logFile: string;
  ports: Record<string, number>;
}

export type InfraState = Partial<Record<ServiceName, ServiceRecord>>;

export function readState(stateFile: string): InfraState {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as InfraState;
  } catch {
    // Missing or half-written: nothing is known to be ours.
    return {};
  }
}

/** Writes atomically (temp file + rename): a concurrent reader never sees half a file. */
export function writeState(stateFile: string, state: InfraState): void {
  mkdirSync(dirname(stateFile), { recursive: true });
  const temp = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, stateFile);
}

export function updateState(stateFile: string, change: (state: InfraState) => void): InfraState {
  const state = readState(stateFile);
  change(state);
  writeState(stateFile, state);
  return state;
}

/**
 * Serialises infra:up/down across processes (two vitest workers, a user's shell and a test run),
 * so two of them never start a broker on the same port. A lock left by a dead process is taken over.
 */
export async function withLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
  mkdirSync(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(safeRead(lockFile));
    const valid = Number.isInteger(holder) && holder > 0;
    // A dead holder's lock is stale. An empty one is either being written this instant or was
    // left by a process that died between create and write: give it a moment, then take it.
    if ((valid && !isAlive(holder)) || (!valid && ageMs(lockFile) > 2_000)) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`${lockFile} is held by pid ${valid ? holder : '?'} for more than ${timeoutMs / 1000}s`);
    }
    await sleep(200);
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

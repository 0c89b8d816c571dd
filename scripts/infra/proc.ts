/**
 * Child processes for the infrastructure: one-shot tools (mvn, openssl, the storage tool) and
 * long-lived services started in their own process group so they outlive `npm run infra:up`
 * and can be stopped as a whole later, by pid, from another process.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

export interface DetachedOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr both go here (truncated first). */
  logFile: string;
}

/** Starts a service as a process-group leader (setsid) with no tie to this process. Returns its pid. */
export function spawnDetached(options: DetachedOptions): number {
  const fd = openSync(options.logFile, 'w');
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    // A missing binary surfaces as an 'error' event after spawn returns; without a listener it
    // would crash this process. The caller's readiness wait then reports the dead pid.
    child.on('error', () => {});
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${options.command}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line, to tell our service from an unrelated process that reused its pid. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/** True when pid is alive and its command line contains marker (e.g. "kafka.Kafka"). */
export function isOurs(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const cmd = commandLine(pid);
  // Without /proc (not Linux) trust the pid: the state file was written by us.
  return cmd === undefined ? true : cmd.includes(marker);
}

/**
 * SIGTERM to the whole group (a clean shutdown for Kafka), then SIGKILL after graceMs.
 * Resolves once the leader is gone.
 */
export async function stopProcessGroup(pid: number, graceMs = 15_000): Promise<'stopped' | 'killed' | 'gone'> {
  if (!signalGroup(pid, 'SIGTERM')) return 'gone';
  // A stopped (SIGSTOP, Ctrl-Z) process only acts on SIGTERM once continued.
  signalGroup(pid, 'SIGCONT');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(100);
  }
  signalGroup(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
  return 'killed';
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    // Not a group leader (should not happen for our services): signal the process alone.
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion; on a non-zero exit the error carries the tail of its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; hint?: string; label?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? `${command} not found on PATH` : error.message;
      reject(new Error(options.hint ? `${why}: ${options.hint}` : why, { cause: error }));
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise({ stdout, stderr });
      const output = lastLines(`${stdout}\n${stderr}`, 30);
      const status = signal ? `signal ${signal}` : `exit code ${code}`;
      const label = options.label ?? `${command} ${args.slice(0, 3).join(' ')} …`;
      reject(new Error(`${label} failed (${status})${options.hint ? `; ${options.hint}` : ''}\n${output}`));
    });
  });
}

/** The last lines of a log file, for error messages that point at it. */
export function tailFile(file: string, lines = 25): string {
  if (!existsSync(file)) return '';
  return lastLines(readFileSync(file, 'utf8'), lines);
}

function lastLines(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

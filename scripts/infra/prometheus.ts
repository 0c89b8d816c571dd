/**
 * Prometheus from Debian's `prometheus` package. infra:up does not start one: each test starts
 * its own with its own scrape config and stops it, so no state leaks between tests.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { HOST } from './config.js';
import { sleep } from './proc.js';
import { waitFor } from './wait.js';

export interface PrometheusBinaries {
  prometheus: string;
  promtool: string;
}

const INSTALL_HINT = 'run: apt-get install -y prometheus';

/** Debian's binaries; VPCFLOW_PROMETHEUS_BIN / VPCFLOW_PROMTOOL_BIN point elsewhere. */
export function prometheusBinaries(env: NodeJS.ProcessEnv = process.env): PrometheusBinaries {
  const binaries = {
    prometheus: env.VPCFLOW_PROMETHEUS_BIN || '/usr/bin/prometheus',
    promtool: env.VPCFLOW_PROMTOOL_BIN || '/usr/bin/promtool',
  };
  for (const path of Object.values(binaries)) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new Error(`${path} not found or not executable; ${INSTALL_HINT}`);
    }
  }
  return binaries;
}

export interface StartPrometheusOptions {
  configFile: string;
  /** Listen port on 127.0.0.1; default: a free one the OS picks. */
  port?: number;
  /** TSDB directory; created if missing. Use a fresh one per test. */
  dataDir: string;
  /** Default 30 s. */
  readyTimeoutMs?: number;
  /** Extra flags, e.g. ['--web.enable-lifecycle']. */
  extraArgs?: readonly string[];
}

export interface PrometheusServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  pid: number;
  /** Its output so far (the last 200 lines), for assertion messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts Prometheus and resolves once GET /-/ready answers 200. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const { prometheus } = prometheusBinaries();
  const port = options.port ?? (await freePort());
  mkdirSync(options.dataDir, { recursive: true });
  const url = `http://${HOST}:${port}`;

  // Not detached: it belongs to the test process, and dies with its process group on Ctrl-C.
  const child = spawn(
    prometheus,
    [
      `--config.file=${options.configFile}`,
      `--web.listen-address=${HOST}:${port}`,
      `--storage.tsdb.path=${options.dataDir}`,
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const keep = (chunk: string) => {
    lines.push(...chunk.trimEnd().split('\n'));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let exit: string | undefined;
  child.on('error', (error) => (exit = error.message));
  child.on('exit', (code, signal) => (exit = `exited with ${signal ?? `code ${code}`}`));
  const output = () => lines.join('\n');

  const stop = async () => {
    if (exit !== undefined) return;
    child.kill('SIGTERM');
    for (let waited = 0; exit === undefined && waited < 10_000; waited += 50) await sleep(50);
    if (exit === undefined) {
      child.kill('SIGKILL');
      while (exit === undefined) await sleep(20);
    }
  };

  try {
    await waitFor(
      async () => {
        const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
        if (response.status !== 200) throw new Error(`/-/ready answered ${response.status}`);
      },
      {
        what: `prometheus on ${url}`,
        timeoutMs: options.readyTimeoutMs ?? 30_000,
        intervalMs: 100,
        abortIf: () => (exit === undefined ? undefined : `prometheus ${exit}:\n${output()}`),
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, pid: child.pid!, output, stop };
}

/** A port that was free a moment ago (Prometheus cannot listen on :0 and report the port). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

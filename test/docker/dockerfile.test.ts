/**
 * docker/Dockerfile without a Docker engine: its stages, user, labels and build context are
 * checked by reading it, and its final ENTRYPOINT + CMD, ENV and HEALTHCHECK are run as written
 * against the local build (/app is the repository root; tini is left out when it is not
 * installed here, since it only passes the command on).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/infra/prometheus.js';
import { exited } from '../helpers/cli.js';
import { all, execForm, last, pairs, readDockerfile, type Stage } from '../helpers/dockerfile.js';
import { DOCKER_DIR } from '../helpers/monitoring-files.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readDockerfile(join(DOCKER_DIR, 'Dockerfile'));
const [build, runtime] = dockerfile.stages as [Stage, Stage];
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string };

function runs(stage: Stage): string[] {
  return all(stage, 'RUN').map((i) => i.args);
}

/** A path of the image as a path of this checkout, and the command as one that runs here. */
function local(command: readonly string[]): string[] {
  const tini = command[0] === '/usr/bin/tini' && command[1] === '--';
  const withoutTini = tini && !isExecutable('/usr/bin/tini') ? command.slice(2) : [...command];
  return withoutTini.map((arg) => (arg === 'node' ? process.execPath : arg.startsWith('/app/') ? join(ROOT, arg.slice('/app/'.length)) : arg));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The image's ENV with only the listen port changed, so tests can run side by side. */
function imageEnv(port: number): NodeJS.ProcessEnv {
  const env = pairs(all(runtime, 'ENV'));
  expect(env.VPCFLOW_LISTEN).toBe('0.0.0.0:10078');
  return { PATH: process.env.PATH, ...env, VPCFLOW_LISTEN: `0.0.0.0:${port}` };
}

function healthcheckCommand(): string[] {
  const [, command] = /^(?:--\S+\s+)*CMD\s+(\[.*\])$/.exec(last(runtime, 'HEALTHCHECK')!.args)!;
  return execForm(command!);
}

describe('Dockerfile', () => {
  it('builds WASM and TypeScript in a full Node image with npm ci, and runs on a slim Node LTS image with production dependencies', () => {
    expect(dockerfile.stages).toHaveLength(2);
    expect(build.name).toBe('build');
    expect(build.from).toMatch(/^node:(22|24)-bookworm$/);
    expect(runs(build)).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run build']));
    expect(runtime.from).toMatch(/^node:(22|24)-bookworm-slim$/);
    expect(runs(runtime).some((r) => /^npm ci --omit=dev\b/.test(r))).toBe(true);
    expect(all(runtime, 'COPY').map((c) => c.args)).toEqual(['package.json package-lock.json ./', '--from=build /src/dist/ dist/', '--from=build /src/build/tokenizer.wasm build/']);
    expect(last(runtime, 'WORKDIR')?.args).toBe('/app');
  });

  it('runs as a non-root user, under tini, exposing 10078, with OCI labels', () => {
    expect(last(runtime, 'USER')?.args).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(execForm(last(runtime, 'ENTRYPOINT')!.args).slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    expect(runs(runtime).some((r) => /apt-get install .*\btini\b/.test(r))).toBe(true);
    expect(last(runtime, 'EXPOSE')?.args).toBe('10078');
    const labels = pairs(all(runtime, 'LABEL'));
    expect(labels).toMatchObject({ 'org.opencontainers.image.title': 'vpcflow', 'org.opencontainers.image.licenses': pkg.license, 'org.opencontainers.image.version': '${VERSION}' });
    expect(all(runtime, 'ARG').map((a) => a.args)).toContain(`VERSION=${pkg.version}`);
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const allowed = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1).replace(/\/$/, ''));
    const sources = dockerfile.stages.flatMap((stage) => all(stage, 'COPY').filter((c) => !c.args.startsWith('--from'))).flatMap((c) => c.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      const path = source.replace(/\/$/, '');
      expect(existsSync(join(ROOT, path)), path).toBe(true);
      expect(allowed.some((entry) => path === entry || path.startsWith(`${entry}/`)), `${path} is in the context`).toBe(true);
    }
  });

  it('runs its ENTRYPOINT and CMD with its ENV: JSON logs, /healthz, a passing HEALTHCHECK, exit 0 on SIGTERM', async () => {
    const port = await freePort();
    const env = imageEnv(port);
    const [command, ...args] = local([...execForm(last(runtime, 'ENTRYPOINT')!.args), ...execForm(last(runtime, 'CMD')!.args)]);
    expect(args.slice(-2)).toEqual([join(ROOT, 'dist/cli/main.js'), 'run']);
    const child = spawn(command!, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      let health = 0;
      for (let i = 0; i < 100 && health !== 200; i++) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
        if (health !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(health, output).toBe(200);
      // VPCFLOW_LOG_FORMAT=json: every line a JSON object, as log collectors expect.
      const lines = output.trim().split('\n');
      expect(lines.map((line) => JSON.parse(line) as { msg: string }).some((entry) => entry.msg.startsWith('vpcflow running')), output).toBe(true);

      const [checkCommand, ...checkArgs] = local(healthcheckCommand());
      const check = spawnSync(checkCommand!, checkArgs, { cwd: ROOT, env, encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited(child)).toEqual({ code: 0, signal: null });
  });

  it('fails its HEALTHCHECK when nothing answers', async () => {
    const [command, ...args] = local(healthcheckCommand());
    const check = spawnSync(command!, args, { cwd: ROOT, env: imageEnv(await freePort()), encoding: 'utf8' });
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/ECONNREFUSED/);
  });
});

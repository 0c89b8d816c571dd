/**
 * The helpers that tests use to run their own Prometheus (Debian's package): it starts on the
 * given config, answers /-/ready, scrapes, and stops cleanly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, prometheusBinaries, startPrometheus, type PrometheusServer } from '../../scripts/infra/prometheus.js';

const dir = mkdtempSync(join(tmpdir(), 'vpcflow-prometheus-'));
let server: PrometheusServer | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('prometheus helpers', () => {
  it('finds promtool and prometheus, and promtool accepts a config', () => {
    const { promtool } = prometheusBinaries();
    const configFile = join(dir, 'check.yml');
    writeFileSync(configFile, 'global:\n  scrape_interval: 1s\nscrape_configs: []\n');
    expect(execFileSync(promtool, ['check', 'config', configFile], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });

  it('names the package to install when a binary is missing', () => {
    expect(() => prometheusBinaries({ VPCFLOW_PROMETHEUS_BIN: join(dir, 'absent') })).toThrow(/apt-get install -y prometheus/);
  });

  it('starts, becomes ready, scrapes a target and stops', async () => {
    // Prometheus scrapes itself, so its port must be known before it starts.
    const port = await freePort();
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(
      configFile,
      [
        'global:',
        '  scrape_interval: 200ms',
        '  scrape_timeout: 200ms',
        'scrape_configs:',
        '  - job_name: self',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${port}']`,
        '',
      ].join('\n'),
    );
    server = await startPrometheus({ configFile, port, dataDir: join(dir, 'data') });
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${server.url}/-/ready`)).status).toBe(200);

    // `up` appears after the first scrape.
    let up: unknown[] = [];
    for (let i = 0; i < 50 && up.length === 0; i++) {
      const body = (await (await fetch(`${server.url}/api/v1/query?query=up`)).json()) as { data: { result: unknown[] } };
      up = body.data.result;
      if (up.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(up).toHaveLength(1);

    const { pid } = server;
    await server.stop();
    server = undefined;
    expect(() => process.kill(pid, 0)).toThrow();
  });

});

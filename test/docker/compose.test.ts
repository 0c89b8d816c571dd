/**
 * docker/compose.yaml without a Docker engine: every file it mounts or builds from exists;
 * Prometheus and Grafana get the very config, rules, provisioning and dashboard that
 * test/prometheus/ checks; the services agree on names, ports and the topic; and the vpcflow
 * command lines are valid for the current CLI.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { last, pairs, readDockerfile, type Stage } from '../helpers/dockerfile.js';
import { DASHBOARD_FILE, DOCKER_DIR, PROMETHEUS_CONFIG_FILE, RULES_FILE } from '../helpers/monitoring-files.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
}

const compose = parseYaml(readFileSync(join(DOCKER_DIR, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`compose.yaml has no service ${name}`);
  return found;
}

/** The host path behind a path inside a service's container, through its bind mounts. */
function hostPath(name: string, containerPath: string): string {
  for (const volume of service(name).volumes ?? []) {
    const [source, target] = volume.split(':') as [string, string];
    if (!source.startsWith('.')) continue;
    if (containerPath === target || containerPath.startsWith(`${target}/`)) return join(DOCKER_DIR, source, containerPath.slice(target.length));
  }
  throw new Error(`${name} mounts nothing at ${containerPath}`);
}

function flag(command: readonly string[], name: string): string | undefined {
  const at = command.indexOf(name);
  return at < 0 ? undefined : command[at + 1];
}

describe('compose.yaml', () => {
  it('has Kafka, the topic, vpcflow, its producer, Prometheus and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(['grafana', 'kafka', 'kafka-topic', 'producer', 'prometheus', 'vpcflow']);
    expect(service('kafka').image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
  });

  it('builds from and mounts only files that exist, and declares its named volumes', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build) {
        expect(existsSync(join(DOCKER_DIR, s.build.context, s.build.dockerfile)), `${name} dockerfile`).toBe(true);
      }
      for (const volume of s.volumes ?? []) {
        const [source] = volume.split(':') as [string];
        if (source.startsWith('.') || source.startsWith('/')) expect(existsSync(join(DOCKER_DIR, source)), `${name}: ${volume}`).toBe(true);
        else expect(compose.volumes, `${name}: named volume ${source}`).toHaveProperty(source);
      }
    }
  });

  it('gives Prometheus the config and rules that test/prometheus runs', () => {
    const prometheus = service('prometheus');
    const configFlag = prometheus.command!.find((arg) => arg.startsWith('--config.file='))!;
    const configFile = hostPath('prometheus', configFlag.slice('--config.file='.length));
    expect(configFile).toBe(PROMETHEUS_CONFIG_FILE);

    const config = parseYaml(readFileSync(configFile, 'utf8')) as { rule_files: string[]; scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const ruleFiles = config.rule_files.flatMap((pattern) => {
      const dir = join(DOCKER_DIR, 'prometheus', posix.dirname(pattern));
      const glob = new RegExp(`^${posix.basename(pattern).replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
      return readdirSync(dir).filter((file) => glob.test(file)).map((file) => join(dir, file));
    });
    expect(ruleFiles).toEqual([RULES_FILE]);

    // Scrape targets: the vpcflow service on the port the image listens on, and Prometheus itself.
    const runtime = readDockerfile(join(DOCKER_DIR, 'Dockerfile')).stages.at(-1) as Stage;
    const listenPort = pairs(runtime.instructions.filter((i) => i.keyword === 'ENV')).VPCFLOW_LISTEN!.split(':').at(-1);
    expect(last(runtime, 'EXPOSE')?.args).toBe(listenPort);
    const targets = Object.fromEntries(config.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((c) => c.targets)]));
    expect(targets).toEqual({ vpcflow: [`vpcflow:${listenPort}`], prometheus: ['localhost:9090'] });
  });

  it('provisions Grafana with the Prometheus service and the dashboard that test/prometheus runs', () => {
    const datasources = parseYaml(readFileSync(hostPath('grafana', '/etc/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { type: string; url: string }[] };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    expect(service('prometheus').ports).toEqual(['127.0.0.1:9090:9090']);

    const providers = parseYaml(readFileSync(hostPath('grafana', '/etc/grafana/provisioning/dashboards/vpcflow.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    const dashboardDir = hostPath('grafana', providers.providers[0]!.options.path);
    expect(readdirSync(dashboardDir).map((file) => join(dashboardDir, file))).toEqual([DASHBOARD_FILE]);
    expect(hostPath('grafana', String(service('grafana').environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH))).toBe(DASHBOARD_FILE);
    expect(service('grafana').ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('has vpcflow consume the topic that kafka-topic creates and the producer writes, on the advertised broker', () => {
    const broker = String(service('kafka').environment!.KAFKA_ADVERTISED_LISTENERS).replace(/^PLAINTEXT:\/\//, '');
    const topic = flag(service('kafka-topic').entrypoint!, '--topic');
    expect(flag(service('kafka-topic').entrypoint!, '--bootstrap-server')).toBe(broker);
    for (const name of ['vpcflow', 'producer']) {
      expect(flag(service(name).command!, '--kafka-brokers'), name).toBe(broker);
      expect(flag(service(name).command!, '--kafka-topic'), name).toBe(topic);
    }
    expect(flag(service('vpcflow').command!, '--source')).toBe('kafka');
  });

  it('runs vpcflow and the producer with command lines the CLI accepts', async () => {
    const run = await runCli([...service('vpcflow').command!, '--print-config']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^source: kafka$/m);
    // --help after a full parse: exit 0 only when every option is known.
    const produce = await runCli([...service('producer').command!, '--help']);
    expect(produce.code, produce.stderr).toBe(0);
  });
});

/**
 * The monitoring files of docker/ that compose mounts, and the Prometheus config the tests derive
 * from them: the same jobs and rules, pointed at local processes and scraped every second.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as toYaml } from 'yaml';

export const DOCKER_DIR = fileURLToPath(new URL('../../docker/', import.meta.url));
export const PROMETHEUS_DIR = join(DOCKER_DIR, 'prometheus');
export const PROMETHEUS_CONFIG_FILE = join(PROMETHEUS_DIR, 'prometheus.yml');
export const RULES_FILE = join(PROMETHEUS_DIR, 'rules', 'vpcflow.rules.yml');
export const RULE_TESTS_FILE = join(PROMETHEUS_DIR, 'tests', 'vpcflow.rules.test.yml');
export const GRAFANA_DIR = join(DOCKER_DIR, 'grafana');
export const DASHBOARD_FILE = join(GRAFANA_DIR, 'dashboards', 'vpcflow.json');

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function readRules(): Rule[] {
  const file = parseYaml(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: Rule[] }[] };
  return file.groups.flatMap((group) => group.rules);
}

interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[] }[];
}

interface PrometheusConfig {
  global: Record<string, string>;
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}

/**
 * docker/prometheus/prometheus.yml with each job's targets replaced (`targets` maps job name to
 * host:port), rule files made absolute, and 1 s intervals so a test sees rates within seconds.
 * A job of the file that `targets` does not name is an error: a new job needs a local target.
 */
export function localPrometheusConfig(targets: Record<string, string>): string {
  const config = parseYaml(readFileSync(PROMETHEUS_CONFIG_FILE, 'utf8')) as PrometheusConfig;
  config.global = { ...config.global, scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' };
  config.rule_files = config.rule_files.map((pattern) => join(PROMETHEUS_DIR, pattern));
  for (const job of config.scrape_configs) {
    const target = targets[job.job_name];
    if (target === undefined) throw new Error(`${PROMETHEUS_CONFIG_FILE} has job ${job.job_name}: give it a local target`);
    job.static_configs = [{ targets: [target] }];
  }
  return toYaml(config);
}

/**
 * Building the effective configuration: defaults < config file < VPCFLOW_* variables < flags.
 * Text values are read by kind (durations, sizes, lists); the merged object is validated by the
 * schema, and an invalid setting stops start-up with a message naming the setting (as flag,
 * variable and file key), the bad value and what is allowed.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { VpcflowError } from '../errors.js';
import { configSchema, resolveConfig, type RunConfig } from './schema.js';
import { envName, flagName, SETTINGS, type Setting } from './settings.js';
import { parseBytes, parseDuration, parseList, parsePairs } from './values.js';

export type Origin = 'default' | 'file' | 'env' | 'flag';

function where(setting: Setting): string {
  return `${setting.key} (--${flagName(setting.key)}, ${envName(setting.key)})`;
}

function invalid(setting: Setting | undefined, key: string, value: unknown, allowed: string): VpcflowError {
  const name = setting ? where(setting) : key;
  return new VpcflowError('VPCFLOW_CONFIG_INVALID', `invalid setting ${name}: ${JSON.stringify(value)} — ${allowed}`, { context: { setting: key, value } });
}

/** A text value (flag or variable) as the setting's type. */
export function fromText(setting: Setting, texts: readonly string[]): unknown {
  const text = texts[texts.length - 1] ?? '';
  const fail = (allowed: string): never => {
    throw invalid(setting, setting.key, setting.kind === 'list' ? texts : text, allowed);
  };
  switch (setting.kind) {
    case 'string':
      return text === 'none' && setting.key !== 'format' ? null : text;
    case 'choice':
      return text;
    case 'integer':
    case 'number': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) fail(`expected a number`);
      return value;
    }
    case 'boolean':
      if (['true', '1', 'yes', ''].includes(text.toLowerCase())) return true;
      if (['false', '0', 'no'].includes(text.toLowerCase())) return false;
      return fail('expected true or false');
    case 'duration':
      return parseDuration(text) ?? fail('expected a duration such as 30s, 5m or 1h');
    case 'bytes':
      return parseBytes(text) ?? fail('expected a size such as 65536, 1MiB or 32MiB');
    case 'list': {
      const items = texts.flatMap(parseList);
      if (setting.key !== 'subnets') return items;
      const pairs = parsePairs(items) ?? fail("expected 'cidr=az' pairs, e.g. 10.0.1.0/24=use1-az1");
      return Object.entries(pairs).map(([cidr, az]) => ({ cidr, az }));
    }
    case 'object': {
      const pairs = parsePairs(texts.flatMap(parseList)) ?? fail("expected 'class=price' pairs, e.g. internet=0.09,cross_az=0.01");
      return Object.fromEntries(Object.entries(pairs).map(([key, price]) => [key, Number(price)]));
    }
  }
}

/** Settings given in a YAML or JSON file. */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `cannot read the config file ${path} (--config, VPCFLOW_CONFIG): ${(cause as Error).message}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (cause) {
    throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `the config file ${path} is not valid YAML or JSON: ${(cause as Error).message}`, { cause });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `the config file ${path} must hold a mapping of settings (key: value)`);
  const known = new Set(SETTINGS.map((s) => s.key));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw invalid(undefined, `${key} (in ${path})`, (parsed as Record<string, unknown>)[key], `not a setting; the settings are ${[...known].join(', ')}`);
  }
  return parsed as Record<string, unknown>;
}

export interface LoadedConfig {
  config: RunConfig;
  origins: Record<string, Origin>;
}

/**
 * Merge and validate. `flags` maps setting keys to the texts given on the command line (lists
 * may repeat); `env` is the process environment; `file` the parsed config file, if any.
 */
export function loadConfig(flags: Readonly<Record<string, readonly string[]>>, env: NodeJS.ProcessEnv, file: Record<string, unknown> = {}): LoadedConfig {
  const raw: Record<string, unknown> = {};
  const origins: Record<string, Origin> = {};
  for (const setting of SETTINGS) {
    origins[setting.key] = 'default';
    if (setting.key in file) {
      raw[setting.key] = file[setting.key];
      origins[setting.key] = 'file';
    }
    const fromEnv = env[envName(setting.key)];
    if (fromEnv !== undefined && fromEnv !== '') {
      raw[setting.key] = fromText(setting, [fromEnv]);
      origins[setting.key] = 'env';
    }
    const fromFlag = flags[setting.key];
    if (fromFlag !== undefined && fromFlag.length > 0) {
      raw[setting.key] = fromText(setting, fromFlag);
      origins[setting.key] = 'flag';
    }
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const setting = SETTINGS.find((s) => s.key === key);
    const allowed = setting?.choices ? `${issue.message}; allowed: ${setting.choices.join(', ')}` : issue.message;
    throw invalid(setting, key, raw[key], `${allowed} (from ${origins[key] ?? 'default'})`);
  }
  return { config: resolveConfig(result.data), origins };
}

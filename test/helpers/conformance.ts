/**
 * Reading the shared conformance corpus: $VPCFLOW_CONFORMANCE_DIR, else ../shared/conformance next
 * to the repository, else /work/shared/conformance (where CI's clones may live elsewhere).
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

function conformanceDir(): URL {
  const candidates = [
    process.env.VPCFLOW_CONFORMANCE_DIR ? pathToFileURL(`${process.env.VPCFLOW_CONFORMANCE_DIR.replace(/\/$/, '')}/`) : undefined,
    new URL('../../../shared/conformance/', import.meta.url),
    pathToFileURL('/work/shared/conformance/'),
  ].filter((url): url is URL => url !== undefined);
  const found = candidates.find((url) => existsSync(new URL('cases.jsonl', url)));
  if (!found) throw new Error(`conformance corpus not found; set VPCFLOW_CONFORMANCE_DIR (looked in ${candidates.map((u) => u.pathname).join(', ')})`);
  return found;
}

export const CONFORMANCE_DIR = conformanceDir();

export interface ConformanceCase {
  id: string;
  format: string;
  line: string;
  expect: Record<string, unknown> & { error?: boolean };
}

export interface DisputedCase {
  id: string;
  format: string;
  line: string;
  note: string;
}

function jsonLines<T>(name: string): T[] {
  return readFileSync(new URL(name, CONFORMANCE_DIR), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export const conformanceCases = (): ConformanceCase[] => jsonLines<ConformanceCase>('cases.jsonl');
export const disputedCases = (): Map<string, DisputedCase> => new Map(jsonLines<DisputedCase>('disputed.jsonl').map((c) => [c.id, c]));
export const sample = (name: string): Buffer => readFileSync(new URL(`samples/${name}`, CONFORMANCE_DIR));

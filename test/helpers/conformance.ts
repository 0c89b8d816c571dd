/** Reading the shared conformance corpus (../shared/conformance, next to the repository). */
import { readFileSync } from 'node:fs';

export const CONFORMANCE_DIR = new URL('../../../shared/conformance/', import.meta.url);

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

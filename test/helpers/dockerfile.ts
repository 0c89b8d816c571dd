/**
 * A small Dockerfile reader for tests: instructions per stage, with line continuations joined,
 * comments dropped, and the JSON (exec) form of ENTRYPOINT, CMD and HEALTHCHECK CMD parsed.
 */
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

export function readDockerfile(path: string): Dockerfile {
  const logical = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const result: Dockerfile = { globalArgs: {}, stages: [] };
  for (const line of logical) {
    const [, keyword, args] = /^(\w+)\s+(.*)$/.exec(line)!;
    const upper = keyword!.toUpperCase();
    const stage = result.stages[result.stages.length - 1];
    if (upper === 'FROM') {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args!)!;
      result.stages.push({ from: expand(image!, result.globalArgs), name: name ?? null, instructions: [] });
    } else if (!stage && upper === 'ARG') {
      const [name, value] = args!.split('=');
      result.globalArgs[name!] = value ?? '';
    } else {
      stage!.instructions.push({ keyword: upper, args: args! });
    }
  }
  return result;
}

function expand(text: string, args: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_whole, a: string | undefined, b: string | undefined) => args[a ?? b!] ?? '');
}

/** The last instruction with this keyword in the stage (Docker uses the last CMD, ENTRYPOINT...). */
export function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** An exec-form argument list: ["a", "b"]. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec-form list: ${args}`);
  return parsed as string[];
}

/** ENV and LABEL pairs: KEY=value KEY2="value two". */
export function pairs(instructions: readonly Instruction[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const { args } of instructions) {
    for (const match of args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
      result[match[1]!] = match[2]!.startsWith('"') ? (JSON.parse(match[2]!) as string) : match[2]!;
    }
  }
  return result;
}

import type { Readable, Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParsedResults<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** The streams a command talks to; tests pass their own. */
export interface CommandIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

export const processIo: CommandIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/**
 * Parses a command's arguments. On a usage error it prints the error and the help and returns exit
 * code 2; on --help it prints the help and returns 0; otherwise it returns the parsed arguments.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(command: string, help: string, config: T, io: CommandIo): ParsedResults<T> | number {
  let parsed: ParsedResults<T>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    io.stderr.write(`vpcflow ${command}: ${(error as Error).message}\n\n${help}\n`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.stdout.write(`${help}\n`);
    return 0;
  }
  return parsed;
}

#!/usr/bin/env node
/**
 * The `vpcflow` command: dispatches to a subcommand. Uses only the public API and the CLI modules.
 */
import { createRequire } from 'node:module';
import { processIo, type CommandIo } from './io.js';

const HELP = `Usage: vpcflow <command> [options]

Commands:
  run [options]                     the main job: windows and Prometheus metrics (demo feed by default)
  produce --to kafka|kinesis ...    write generated flow logs to Kafka or Kinesis (load generator)
  parse [--format F] [FILE ...|-]   print flow-log records as JSON lines
  bench [--format F] [FILE]         measure the tokenizer on your data (records/s, MB/s)
  help                              this text

Run "vpcflow <command> --help" for a command's options.`;

type Command = (argv: readonly string[], io: CommandIo) => Promise<number>;

// Loaded on use: `vpcflow parse` need not load kafkajs and the AWS SDK.
const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run-command.js')).runCommand,
  produce: async () => (await import('./produce-command.js')).produceCommand,
  parse: async () => (await import('./parse-command.js')).parseCommand,
  bench: async () => (await import('./bench-command.js')).benchCommand,
};

export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
    io.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`vpcflow: unknown command ${JSON.stringify(name)}\n\n${HELP}\n`);
    return 2;
  }
  return (await load())(rest, io);
}

const status = await main(process.argv.slice(2));
process.exitCode = status;
// A finished command exits even if a client library left a timer behind (kafkajs reconnect
// timers after a broker outage do); everything of ours is closed and flushed by now.
setTimeout(() => process.exit(status), 1000).unref();

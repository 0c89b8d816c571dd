/**
 * Structured logs (pino): JSON lines, or human-readable lines when writing to a terminal.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level: string; format: 'auto' | 'json' | 'pretty'; destination?: NodeJS.WritableStream }): Logger {
  const destination = options.destination ?? process.stderr;
  const pretty = options.format === 'pretty' || (options.format === 'auto' && (destination as NodeJS.WriteStream).isTTY === true);
  if (pretty) {
    return pino({
      level: options.level,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } },
    });
  }
  return pino({ level: options.level, base: { service: 'vpcflow' } }, pino.destination({ dest: 2, sync: false }));
}

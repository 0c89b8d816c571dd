/**
 * `vpcflow parse [--format F] [FILE ...|-]`: flow-log records in, one JSON object per record out
 * (NDJSON, AWS field names, null for '-'). Bad records go to stderr with file, line and reason,
 * and are counted in the summary. Files may be plain or gzip, or CloudWatch Logs envelopes.
 */
import { startsJson } from '../decode/detect.js';
import { parseFormat, type Format } from '../format/format.js';
import { readChunks, STDIN } from '../sources/file-chunks.js';
import { createTokenizer, type RecordBatch, type Tokenizer } from '../tokenizer/index.js';
import { jsonLine } from './json-line.js';
import { createLineWriter, type LineWriter } from './output.js';
import { parseCommandArgs, type CommandIo } from './io.js';

export const PARSE_HELP = `Usage: vpcflow parse [--format F] [FILE ...|-]

Reads VPC flow log records from files (plain or gzip, detected by their first bytes; CloudWatch
Logs subscription envelopes too) or standard input, and writes one JSON object per record.

  --format F     'default', an AWS custom format ("\${version} \${account-id} ..."), or the
                 field names of a header line. Header lines in the input override it.
  --max-errors N stop printing bad records after N (they are still counted); default 100
  -h, --help     this text

Exit status: 0 when the input was read (bad records are reported, not fatal), 1 when a file
cannot be read, 2 for unusable arguments.`;

interface Totals {
  records: number;
  errors: number;
  headerLines: number;
  byReason: Map<string, number>;
  files: number;
}

async function writeBatch(batch: RecordBatch, name: string, out: LineWriter, io: CommandIo, totals: Totals, maxErrors: number): Promise<void> {
  for (const record of batch.toObjects()) {
    const pending = out.write(jsonLine(record));
    if (pending) await pending;
  }
  for (const error of batch.errors()) {
    totals.byReason.set(error.reason, (totals.byReason.get(error.reason) ?? 0) + 1);
    if (totals.errors < maxErrors) {
      const where = batch.envelope ? `${name}: event ${error.line}` : `${name}:${error.line}`;
      io.stderr.write(`${where}: ${error.reason}${error.field ? ` (${error.field})` : ''}: ${batch.source(error.row, 200)}\n`);
    }
    totals.errors++;
  }
  totals.records += batch.length - batch.errorCount;
  totals.headerLines += batch.headerLines;
}

async function parseFile(path: string, tokenizer: Tokenizer, format: Format, out: LineWriter, io: CommandIo, totals: Totals, maxErrors: number): Promise<void> {
  const name = path === STDIN ? '<stdin>' : path;
  tokenizer.reset(format);
  const chunks = readChunks(path, io.stdin);
  const first = await chunks.next();
  if (first.done) return;
  if (startsJson(first.value)) {
    // A CloudWatch Logs envelope is one JSON document: read it whole.
    const parts = [first.value];
    for await (const chunk of chunks) parts.push(chunk);
    for (const batch of tokenizer.cloudWatchBatches(Buffer.concat(parts))) {
      if (batch.envelope && batch.envelope.status !== 'ok') {
        io.stderr.write(`${name}: CloudWatch Logs envelope is ${batch.envelope.status}\n`);
        totals.byReason.set(`envelope_${batch.envelope.status}`, (totals.byReason.get(`envelope_${batch.envelope.status}`) ?? 0) + 1);
      }
      await writeBatch(batch, name, out, io, totals, maxErrors);
    }
    return;
  }
  for (let next: IteratorResult<Uint8Array> = first; !next.done; next = await chunks.next()) {
    for (const batch of tokenizer.batches(next.value, { final: false })) await writeBatch(batch, name, out, io, totals, maxErrors);
    if (out.closed) return;
  }
  for (const batch of tokenizer.batches(new Uint8Array(0), { final: true })) await writeBatch(batch, name, out, io, totals, maxErrors);
}

export async function parseCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(
    'parse',
    PARSE_HELP,
    {
      args: [...argv],
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        'max-errors': { type: 'string', default: '100' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const maxErrors = Number(parsed.values['max-errors']);
  if (!Number.isInteger(maxErrors) || maxErrors < 0) {
    io.stderr.write(`vpcflow parse: --max-errors must be a whole number ≥ 0, got ${JSON.stringify(parsed.values['max-errors'])}\n`);
    return 2;
  }
  let format: Format;
  try {
    format = parseFormat(parsed.values.format ?? 'default');
  } catch (error) {
    io.stderr.write(`vpcflow parse: --format: ${(error as Error).message}\n`);
    return 2;
  }
  const files = parsed.positionals.length > 0 ? parsed.positionals : [STDIN];
  const tokenizer = await createTokenizer({ format });
  const out = createLineWriter(io.stdout);
  const totals: Totals = { records: 0, errors: 0, headerLines: 0, byReason: new Map(), files: 0 };
  let status = 0;
  for (const file of files) {
    try {
      await parseFile(file, tokenizer, format, out, io, totals, maxErrors);
      totals.files++;
    } catch (error) {
      io.stderr.write(`vpcflow parse: ${(error as Error).message}\n`);
      status = 1;
    }
    if (out.closed) break;
  }
  await out.close();
  const reasons = [...totals.byReason].map(([reason, count]) => `${reason} ${count}`).join(', ');
  io.stderr.write(`vpcflow parse: ${totals.records} records, ${totals.errors} bad${reasons ? ` (${reasons})` : ''}, ${totals.headerLines} header lines, from ${totals.files} of ${files.length} inputs\n`);
  return status;
}

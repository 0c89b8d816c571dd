/**
 * The Tokenizer: one WASM instance, one format at a time, and the drivers that feed it input.
 *
 * Text input may be fed in chunks (`final: false`): an incomplete last line is carried to the next
 * call. A header line that changes the format switches it for the lines after it. A batch holds at
 * most `maxRecords` rows; `batches()` yields as many as the input needs, `tokenize()` expects one.
 */
import { startsJson } from '../decode/detect.js';
import { VpcflowError } from '../errors.js';
import { MAX_FORMAT_FIELDS, parseFormat, sameFormat, type Format, type FormatInput } from '../format/format.js';
import { RecordBatch, type BatchPosition } from './batch.js';
import { wasmKinds, writeFieldNames, writeFormat } from './configure.js';
import { STOP_FULL, STOP_HEADER } from './status.js';
import { instantiateTokenizer, loadTokenizerModule, type TokenizerExports, type WasmFlavour } from './wasm.js';

export interface TokenizerOptions {
  /** 'default', an AWS custom-format string (`${version} ${account-id} ...`), a header line or a list of names. */
  format?: FormatInput;
  /** Tokenize only these fields; the others are skipped (not parsed, not validated). */
  columns?: readonly string[];
  /** Rows per batch. */
  maxRecords?: number;
  /** Longer lines become a `line_too_long` error record. */
  maxLineBytes?: number;
  /** Input bytes per WASM call to start with; grows for larger envelopes, up to maxInputBytes. */
  inputBytes?: number;
  /** Largest single CloudWatch Logs envelope (decompressed) accepted. */
  maxInputBytes?: number;
  /** Distinct texts (ids, strings) per batch before the batch is cut. */
  maxDictionary?: number;
  /** The build with WASM bounds checks kept, for tests. */
  flavour?: WasmFlavour;
}

export interface TextOptions {
  /** false when more input follows: an incomplete last line waits for the next call. Default true. */
  final?: boolean;
}

const DEFAULTS = {
  maxRecords: 16_384,
  maxLineBytes: 65_536,
  inputBytes: 4 << 20,
  maxInputBytes: 64 << 20,
  maxDictionary: 65_536,
};

const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);
const LF = 0x0a;

export class Tokenizer {
  #format: Format;
  #kinds: number[];
  readonly #wasm: TokenizerExports;
  readonly #columns: ReadonlySet<string> | undefined;
  readonly #maxRecords: number;
  readonly #maxLineBytes: number;
  readonly #maxInputBytes: number;
  readonly #maxDictionary: number;
  #capacity: number;
  #generation = 0;
  #carry: Uint8Array = EMPTY;
  #lines = 0;
  #bytes = 0;

  /** @internal Use createTokenizer(). */
  constructor(wasm: TokenizerExports, options: TokenizerOptions) {
    this.#wasm = wasm;
    this.#columns = options.columns ? new Set(options.columns) : undefined;
    this.#maxRecords = positive('maxRecords', options.maxRecords ?? DEFAULTS.maxRecords);
    this.#maxLineBytes = positive('maxLineBytes', options.maxLineBytes ?? DEFAULTS.maxLineBytes);
    this.#maxInputBytes = positive('maxInputBytes', options.maxInputBytes ?? DEFAULTS.maxInputBytes);
    this.#maxDictionary = positive('maxDictionary', options.maxDictionary ?? DEFAULTS.maxDictionary);
    // One row may need an entry per field; a smaller dictionary could never take a row.
    if (this.#maxDictionary < MAX_FORMAT_FIELDS) {
      throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `tokenizer option maxDictionary must be at least ${MAX_FORMAT_FIELDS} (the most fields a format can have), got ${this.#maxDictionary}`);
    }
    // Room for a carried line plus new input.
    this.#capacity = Math.max(positive('inputBytes', options.inputBytes ?? DEFAULTS.inputBytes), 2 * this.#maxLineBytes + 2);
    this.#format = parseFormat(options.format ?? 'default');
    this.#kinds = wasmKinds(this.#format, this.#columns);
    writeFieldNames(wasm);
    this.#configure(this.#format);
  }

  /** The format in effect (a header line may have changed it). */
  get format(): Format {
    return this.#format;
  }

  /** Bytes of WASM memory this tokenizer holds: fixed by the limits, not by the input. */
  get memoryBytes(): number {
    return this.#wasm.memory.buffer.byteLength;
  }

  /** Forget carried input and line counts: the next call starts a new stream. */
  reset(format?: FormatInput): void {
    this.#carry = EMPTY;
    this.#lines = 0;
    this.#bytes = 0;
    this.#wasm.resetTextStream();
    if (format !== undefined) this.#configure(parseFormat(format));
  }

  /**
   * Tokenize text records into one batch. Throws VPCFLOW_INPUT_TOO_LARGE when they need more than
   * one (more than maxRecords rows, or a header line that changes the format): use batches() then.
   */
  tokenize(bytes: Uint8Array, options: TextOptions = {}): RecordBatch {
    const iterator = this.batches(bytes, options);
    const first = iterator.next();
    const second = first.done ? first : iterator.next();
    if (!second.done) {
      iterator.return(undefined);
      this.reset();
      throw new VpcflowError('VPCFLOW_INPUT_TOO_LARGE', `input needs more than one batch (over ${this.#maxRecords} records, or a header changes the format); use tokenizer.batches(bytes), or raise maxRecords`);
    }
    return first.done ? this.#emptyBatch() : first.value;
  }

  /** Tokenize text records of any size; each batch is valid until the next one is requested. */
  *batches(bytes: Uint8Array, options: TextOptions = {}): Generator<RecordBatch, void, undefined> {
    const final = options.final ?? true;
    const wasm = this.#wasm;
    let offset = 0;
    do {
      const carry = this.#carry;
      const take = Math.min(this.#capacity - carry.length, bytes.length - offset);
      const length = carry.length + take;
      const input = new Uint8Array(wasm.memory.buffer, wasm.inputPtr(), length);
      input.set(carry, 0);
      input.set(bytes.subarray(offset, offset + take), carry.length);
      offset += take;
      const position: BatchPosition = { lineBase: this.#lines, byteBase: this.#bytes - carry.length };
      wasm.beginText(length, final && offset === bytes.length ? 1 : 0);
      let emitted = false;
      while (true) {
        const stop = wasm.runText();
        if (stop === STOP_HEADER) {
          const header = this.#headerAtCursor(length);
          if (header === null) {
            // Starts like a header but names no valid format: a bad record, counted as such.
            wasm.parseNextHeaderAsRecord();
            continue;
          }
          if (!sameFormat(header, this.#format)) {
            if (this.#counted() > 0) {
              yield this.#batch(position, false);
              emitted = true;
            }
            this.#configure(header);
            wasm.nextBatch();
          }
          wasm.skipHeaderLine();
          continue;
        }
        const cursor = this.#result(1);
        if (stop === STOP_FULL) {
          yield this.#batch(position, false);
          emitted = true;
          wasm.nextBatch();
          continue;
        }
        // STOP_END: keep an incomplete last line for the next call.
        this.#carry = cursor < length ? new Uint8Array(wasm.memory.buffer, wasm.inputPtr() + cursor, length - cursor).slice() : EMPTY;
        this.#lines += this.#result(4);
        this.#bytes += take;
        if (this.#counted() > 0 || (!emitted && offset === bytes.length)) yield this.#batch(position, false);
        break;
      }
    } while (offset < bytes.length);
  }

  /**
   * Tokenize the decompressed JSON of a CloudWatch Logs subscription envelope into one batch
   * (`batch.envelope` tells its status, messageType, owner, logGroup and logStream).
   */
  tokenizeCloudWatchEnvelope(json: Uint8Array): RecordBatch {
    const iterator = this.cloudWatchBatches(json);
    const first = iterator.next();
    const second = first.done ? first : iterator.next();
    if (!second.done) {
      iterator.return(undefined);
      throw new VpcflowError('VPCFLOW_INPUT_TOO_LARGE', `envelope holds more than ${this.#maxRecords} records; use tokenizer.cloudWatchBatches(json), or raise maxRecords`);
    }
    return first.done ? this.#emptyBatch() : first.value;
  }

  /**
   * Tokenize JSON of any size (envelopes, message records, arrays of them), a batch at a time.
   * JSON that does not end properly (cut, or followed by anything but whitespace) yields a single
   * batch with no rows and envelope status 'malformed', even when it would have filled several.
   */
  *cloudWatchBatches(json: Uint8Array): Generator<RecordBatch, void, undefined> {
    if (json.length > this.#maxInputBytes) {
      throw new VpcflowError('VPCFLOW_INPUT_TOO_LARGE', `CloudWatch Logs envelope of ${json.length} bytes exceeds maxInputBytes (${this.#maxInputBytes}); raise maxInputBytes if such envelopes are expected`);
    }
    if (json.length > this.#capacity && startsJson(json)) {
      this.#capacity = Math.min(this.#maxInputBytes, Math.max(json.length, this.#capacity * 2));
      this.#configure(this.#format);
    }
    const wasm = this.#wasm;
    // Input that cannot be JSON is reported malformed without being copied in.
    const length = json.length <= this.#capacity ? json.length : 0;
    new Uint8Array(wasm.memory.buffer, wasm.inputPtr(), length).set(json.subarray(0, length));
    wasm.beginEnvelope(length);
    const position: BatchPosition = { lineBase: 0, byteBase: 0 };
    while (true) {
      const stop = wasm.runCwl();
      yield this.#batch(position, true);
      if (stop !== STOP_FULL) return;
      wasm.nextBatch();
    }
  }

  #configure(format: Format): void {
    const kinds = wasmKinds(format, this.#columns);
    writeFormat(this.#wasm, format, kinds);
    const ok = this.#wasm.setup(format.fields.length, this.#maxRecords, this.#capacity, this.#maxDictionary, this.#maxLineBytes);
    if (!ok) {
      throw new VpcflowError('VPCFLOW_TOKENIZER_LOAD', `cannot lay out tokenizer memory for ${format.fields.length} fields x ${this.#maxRecords} records with ${this.#capacity} input bytes; lower maxRecords or inputBytes`);
    }
    this.#format = format;
    this.#kinds = kinds;
  }

  #result(slot: number): number {
    return new Uint32Array(this.#wasm.memory.buffer, this.#wasm.resultPtr(), 32)[slot]!;
  }

  /** Records, header lines and blank lines in the batch being filled. */
  #counted(): number {
    return this.#result(0) + this.#result(14) + this.#result(15);
  }

  /** The format the header line at the cursor names, or null when it names none the tokenizer can use. */
  #headerAtCursor(length: number): Format | null {
    const wasm = this.#wasm;
    const cursor = this.#result(1);
    const input = new Uint8Array(wasm.memory.buffer, wasm.inputPtr() + cursor, length - cursor);
    const end = input.indexOf(LF);
    let line = decoder.decode(end < 0 ? input : input.subarray(0, end));
    if (line.endsWith('\r')) line = line.slice(0, -1);
    try {
      // Split like records: on spaces only.
      return parseFormat(line.split(' ').filter((name) => name !== ''));
    } catch {
      return null;
    }
  }

  #batch(position: BatchPosition, envelope: boolean): RecordBatch {
    const generation = ++this.#generation;
    return new RecordBatch(this.#wasm, this.#format, this.#kinds, generation, () => this.#generation, position, envelope);
  }

  #emptyBatch(): RecordBatch {
    this.#wasm.beginText(0, 1);
    this.#wasm.runText();
    return this.#batch({ lineBase: this.#lines, byteBase: this.#bytes }, false);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `tokenizer option ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Load the WASM tokenizer and make a Tokenizer for `options.format` (default: the AWS default format). */
export async function createTokenizer(options: TokenizerOptions = {}): Promise<Tokenizer> {
  const module = await loadTokenizerModule(options.flavour);
  return new Tokenizer(instantiateTokenizer(module), options);
}

/** Make a Tokenizer from an already compiled module (worker threads receive it by postMessage). */
export function createTokenizerSync(module: WebAssembly.Module, options: TokenizerOptions = {}): Tokenizer {
  return new Tokenizer(instantiateTokenizer(module), options);
}

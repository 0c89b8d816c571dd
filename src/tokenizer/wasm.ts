/**
 * Loading the WASM tokenizer: the compiled module is cached per process (and per build flavour);
 * each Tokenizer gets its own instance, so each worker thread owns its memory.
 */
import { readFile } from 'node:fs/promises';
import { VpcflowError } from '../errors.js';

/** The functions assembly/index.ts exports. Pointers are byte addresses in `memory`. */
export interface TokenizerExports {
  readonly memory: WebAssembly.Memory;
  fieldKindPtr(): number;
  fieldEnumPtr(): number;
  fieldMaxPtr(): number;
  columnsPtr(): number;
  enumTablePtr(): number;
  enumCountPtr(): number;
  nameTablePtr(): number;
  nameFilterPtr(): number;
  resultPtr(): number;
  maxFields(): number;
  maxNames(): number;
  statusCount(): number;
  setup(fields: number, records: number, capacity: number, dictionary: number, lineLimit: number): number;
  setNames(count: number): void;
  inputPtr(): number;
  statusPtr(): number;
  errorFieldPtr(): number;
  offsetPtr(): number;
  linePtr(): number;
  dictEntriesPtr(): number;
  nextBatch(): void;
  beginText(length: number, final: number): void;
  runText(): number;
  skipHeaderLine(): void;
  parseNextHeaderAsRecord(): void;
  resetTextStream(): void;
  beginEnvelope(length: number): void;
  runCwl(): number;
}

/** `checked` is the build with bounds checks kept (asc --uncheckedBehavior never), for tests. */
export type WasmFlavour = 'release' | 'checked';

const FILES: Record<WasmFlavour, string> = {
  release: 'tokenizer.wasm',
  checked: 'tokenizer.checked.wasm',
};

const modules = new Map<WasmFlavour, Promise<WebAssembly.Module>>();

/** The compiled tokenizer module (from build/, next to dist/ and src/). */
export function loadTokenizerModule(flavour: WasmFlavour = 'release'): Promise<WebAssembly.Module> {
  let module = modules.get(flavour);
  if (!module) {
    const url = new URL(`../../build/${FILES[flavour]}`, import.meta.url);
    module = readFile(url).then(
      (bytes) => WebAssembly.compile(bytes),
      (cause: unknown) => {
        modules.delete(flavour);
        throw new VpcflowError('VPCFLOW_TOKENIZER_LOAD', `cannot read the WASM tokenizer at ${url.pathname}; run "npm run build" first`, { cause });
      },
    );
    modules.set(flavour, module);
  }
  return module;
}

export function instantiateTokenizer(module: WebAssembly.Module): TokenizerExports {
  return new WebAssembly.Instance(module, {}).exports as unknown as TokenizerExports;
}

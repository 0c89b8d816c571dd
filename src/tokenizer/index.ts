export { createTokenizer, createTokenizerSync, Tokenizer, type TokenizerOptions, type TextOptions } from './tokenizer.js';
export { RecordBatch, type Column, type FieldValue, type RecordError, type EnvelopeInfo } from './batch.js';
export { STATUS_NAMES, type StatusName, type EnvelopeStatus, type MessageType } from './status.js';
export { loadTokenizerModule, type WasmFlavour } from './wasm.js';
export { ipText, ipv4Text, ipv6Text, FAMILY_IPV4, FAMILY_IPV6, FAMILY_NONE } from './ip-text.js';

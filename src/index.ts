/**
 * vpcflow's public API. Everything a user may import is named here; deep imports are blocked by
 * package.json#exports.
 */
export { createTokenizer, createTokenizerSync, Tokenizer, RecordBatch, STATUS_NAMES, loadTokenizerModule, ipText } from './tokenizer/index.js';
export type { TokenizerOptions, TextOptions, Column, FieldValue, RecordError, EnvelopeInfo, StatusName, EnvelopeStatus, MessageType, WasmFlavour } from './tokenizer/index.js';
export { FIELDS, DEFAULT_FIELD_NAMES, fieldSpec, knownField } from './format/fields.js';
export type { FieldKind, FieldSpec } from './format/fields.js';
export { DEFAULT_FORMAT, parseFormat, isHeaderLine, sameFormat } from './format/format.js';
export type { Format, FormatInput } from './format/format.js';
export { VpcflowError, errorCodes, isVpcflowError } from './errors.js';
export type { ErrorCode } from './errors.js';

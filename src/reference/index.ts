/**
 * The plain-TypeScript reference parser: the oracle for the WASM tokenizer's tests and the
 * baseline for its benchmarks. Not on the hot path.
 */
export { parseTextReference, DEFAULT_MAX_LINE_BYTES } from './parse-text.js';
export type { ReferenceOptions, ReferenceRecord, ReferenceResult } from './parse-text.js';
export { parseCloudWatchReference } from './parse-cloudwatch.js';
export type { EnvelopeStatus, ReferenceEnvelope } from './parse-cloudwatch.js';
export type { FieldValue, StatusName } from './values.js';

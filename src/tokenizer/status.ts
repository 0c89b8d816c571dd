/**
 * Per-record status codes of the tokenizer, in the order of assembly/status.ts (a test checks
 * they agree). The names are the `reason` label of `vpcflow_parse_errors_total`.
 */
export const STATUS_NAMES = [
  'ok',
  'too_few_fields',
  'too_many_fields',
  'bad_number',
  'number_out_of_range',
  'bad_address',
  'bad_enum',
  'line_too_long',
] as const;

export type StatusName = (typeof STATUS_NAMES)[number];

export const STATUS_OK = 0;

/** Why an envelope yielded fewer records than it seemed to hold ('malformed': none at all). */
export const ENVELOPE_STATUS_NAMES = ['ok', 'malformed', 'no_events'] as const;
export type EnvelopeStatus = (typeof ENVELOPE_STATUS_NAMES)[number];

export const MESSAGE_TYPE_NAMES = [null, 'DATA_MESSAGE', 'CONTROL_MESSAGE', 'other'] as const;
export type MessageType = (typeof MESSAGE_TYPE_NAMES)[number];

// Why a WASM call returned (assembly/status.ts STOP_*).
export const STOP_END = 0;
export const STOP_FULL = 1;
export const STOP_HEADER = 2;

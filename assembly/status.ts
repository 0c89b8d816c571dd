// Per-record status codes. src/tokenizer/status.ts names them; a test checks both lists agree.
export const OK: u8 = 0;
export const TOO_FEW_FIELDS: u8 = 1;
export const TOO_MANY_FIELDS: u8 = 2;
export const BAD_NUMBER: u8 = 3;
export const NUMBER_OUT_OF_RANGE: u8 = 4;
export const BAD_ADDRESS: u8 = 5;
export const BAD_ENUM: u8 = 6;
export const LINE_TOO_LONG: u8 = 7;
export const STATUS_COUNT: u8 = 8;

// Why a call returned.
export const STOP_END: u32 = 0; // all input consumed (or the tail is kept for the next call)
export const STOP_FULL: u32 = 1; // the batch is full (records or dictionary); call again to go on
export const STOP_HEADER: u32 = 2; // a header line starts at the cursor; JS reads it and decides

// Envelope status for CloudWatch Logs subscription payloads.
export const ENVELOPE_OK: u32 = 0;
export const ENVELOPE_MALFORMED: u32 = 1; // not JSON objects, or broken or cut JSON: no records are taken
export const ENVELOPE_NO_EVENTS: u32 = 2; // valid JSON without a logEvents array (and not a control message)

// messageType of an envelope.
export const MESSAGE_NONE: u32 = 0;
export const MESSAGE_DATA: u32 = 1;
export const MESSAGE_CONTROL: u32 = 2;
export const MESSAGE_OTHER: u32 = 3;

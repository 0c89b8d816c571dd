/**
 * The one error type vpcflow throws. Callers switch on `code`; retry logic reads `retriable`.
 * A bad record is never an exception: it gets a status in its batch and is counted.
 */
export const errorCodes = [
  'VPCFLOW_CONFIG_INVALID',
  'VPCFLOW_FORMAT_INVALID',
  'VPCFLOW_INPUT_UNREADABLE',
  'VPCFLOW_INPUT_TOO_LARGE',
  'VPCFLOW_TOKENIZER_LOAD',
  'VPCFLOW_SOURCE_CONNECT',
  'VPCFLOW_SOURCE_READ',
  'VPCFLOW_WORKER_FAILED',
  'VPCFLOW_EXPORTER_LISTEN',
  'VPCFLOW_CHECKPOINT_IO',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface VpcflowErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  /** Extra facts for logs: the setting, the value, the file. */
  context?: Record<string, unknown>;
}

export class VpcflowError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly context: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: VpcflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VpcflowError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

export function isVpcflowError(error: unknown, code?: ErrorCode): error is VpcflowError {
  return error instanceof VpcflowError && (code === undefined || error.code === code);
}

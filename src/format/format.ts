/**
 * A flow-log format: the ordered list of fields in each record.
 *
 * Formats come from three places: the AWS default, an AWS custom-format string
 * (`${version} ${vpc-id} ...`), or a header line as S3-delivered files start with
 * (`version vpc-id ...`). A list of names is accepted too.
 */
import { VpcflowError } from '../errors.js';
import { DEFAULT_FIELD_NAMES, fieldSpec, knownField, normalizeFieldName, type FieldSpec } from './fields.js';

export interface Format {
  /** The fields in record order; unknown names appear as `string` fields. */
  readonly fields: readonly FieldSpec[];
  /** Field names in order, for lookups and display. */
  readonly names: readonly string[];
  /** The AWS custom-format string that describes this format. */
  readonly spec: string;
}

/** What a user may pass as a format. */
export type FormatInput = 'default' | string | readonly string[] | Format;

const TOKEN = /^\$\{([^{}\s]+)\}$/;

/** Most fields a format may have (AWS defines about 60; the tokenizer's tables hold this many). */
export const MAX_FORMAT_FIELDS = 128;

function fromNames(names: readonly string[], source: string): Format {
  if (names.length === 0) {
    throw new VpcflowError('VPCFLOW_FORMAT_INVALID', `format ${JSON.stringify(source)} names no fields; give an AWS format such as "\${version} \${account-id} ..." or "default"`);
  }
  if (names.length > MAX_FORMAT_FIELDS) {
    throw new VpcflowError('VPCFLOW_FORMAT_INVALID', `format ${JSON.stringify(source.slice(0, 80))}... has ${names.length} fields; at most ${MAX_FORMAT_FIELDS} are supported`);
  }
  const normalized = names.map(normalizeFieldName);
  const seen = new Set<string>();
  for (const name of normalized) {
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(name)) {
      throw new VpcflowError('VPCFLOW_FORMAT_INVALID', `format ${JSON.stringify(source)}: ${JSON.stringify(name)} is not a field name (letters, digits and hyphens)`);
    }
    if (seen.has(name)) {
      throw new VpcflowError('VPCFLOW_FORMAT_INVALID', `format ${JSON.stringify(source)} names the field ${JSON.stringify(name)} twice; each field may appear once`);
    }
    seen.add(name);
  }
  return {
    fields: normalized.map(fieldSpec),
    names: normalized,
    spec: normalized.map((n) => `\${${n}}`).join(' '),
  };
}

/** The AWS default format (version 2, 14 fields). */
export const DEFAULT_FORMAT: Format = fromNames(DEFAULT_FIELD_NAMES, 'default');

/**
 * Parse a format given as `'default'`, an AWS custom-format string, a header line or a list of names.
 * Throws VPCFLOW_FORMAT_INVALID with the offending token when the text is not a format.
 */
export function parseFormat(input: FormatInput): Format {
  if (typeof input === 'object' && 'fields' in input) return input;
  if (Array.isArray(input)) return fromNames(input as readonly string[], input.join(' '));
  const text = (input as string).trim();
  if (text === 'default' || text === '') return DEFAULT_FORMAT;
  const tokens = text.split(/\s+/);
  if (tokens.some((t) => t.startsWith('$'))) {
    return fromNames(
      tokens.map((token) => {
        const match = TOKEN.exec(token);
        if (!match) {
          throw new VpcflowError('VPCFLOW_FORMAT_INVALID', `format ${JSON.stringify(text)}: ${JSON.stringify(token)} is not a \${field} token; write each field as \${name}, separated by spaces`);
        }
        return match[1]!;
      }),
      text,
    );
  }
  return fromNames(tokens, text);
}

/**
 * Whether a line is a header line (as S3 files start with): its first word is a field name AWS defines.
 * Record values never equal a field name in the first position, so one word decides.
 */
export function isHeaderLine(line: string): boolean {
  const first = line.trimStart().split(/\s/, 1)[0] ?? '';
  return first !== '' && !first.startsWith('$') && knownField(first) !== undefined;
}

/** Two formats are the same when they list the same fields in the same order. */
export function sameFormat(a: Format, b: Format): boolean {
  return a.names.length === b.names.length && a.names.every((n, i) => n === b.names[i]);
}

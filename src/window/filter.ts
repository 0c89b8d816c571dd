/**
 * `--filter`: a small expression over record fields, evaluated on the columns in the worker
 * before aggregation. Grammar:
 *
 *   expr  := term ('or' term)*          term := factor ('and' factor)*
 *   factor:= 'not' factor | '(' expr ')' | field op value | field 'in' CIDR | field 'in' '(' value, ... ')'
 *   op    := == != < <= > >=            (ordering only for numeric fields)
 *
 * Examples: `action == REJECT`, `protocol == 6 and dstport in (22, 3389)`,
 * `srcaddr in 10.0.0.0/8 and not dstaddr in 10.0.0.0/8`, `bytes > 1000000`.
 * A comparison with a field that is '-' in a record is false (so `not` of it is true).
 */
import { VpcflowError } from '../errors.js';
import { knownField, type FieldSpec } from '../format/fields.js';
import type { RecordBatch } from '../tokenizer/index.js';
import { addressWords } from './classify.js';

export interface RowFilter {
  /** The filter's predicate over the rows of one batch. */
  bind(batch: RecordBatch): (row: number) => boolean;
  readonly text: string;
}

type Predicate = (batch: RecordBatch) => (row: number) => boolean;
type Op = '==' | '!=' | '<' | '<=' | '>' | '>=';

const TOKEN = /\s*(\(|\)|,|==|!=|<=|>=|<|>|[^\s(),=!<>]+)/y;

function invalid(text: string, why: string): VpcflowError {
  return new VpcflowError('VPCFLOW_CONFIG_INVALID', `filter ${JSON.stringify(text)}: ${why}. Example: --filter 'action == REJECT and dstport in (22, 3389)'`, { context: { setting: 'filter', value: text } });
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) {
      if (text.slice(at).trim() === '') break;
      throw invalid(text, `cannot read ${JSON.stringify(text.slice(at).trim())}`);
    }
    tokens.push(match[1]!);
  }
  return tokens;
}

const never: Predicate = () => () => false;

function numberPredicate(field: FieldSpec, op: Op, value: number): Predicate {
  const wide = field.kind === 'u64';
  return (batch) => {
    if (!batch.has(field.name)) return () => false;
    const validity = batch.validity(field.name);
    const words = wide ? batch.words(field.name) : null;
    const values = wide ? null : (batch.column(field.name) as Uint32Array);
    const read = wide ? (row: number) => words![row * 2]! + words![row * 2 + 1]! * 4294967296 : (row: number) => values![row]!;
    switch (op) {
      case '==': return (row) => validity[row] !== 0 && read(row) === value;
      case '!=': return (row) => validity[row] !== 0 && read(row) !== value;
      case '<': return (row) => validity[row] !== 0 && read(row) < value;
      case '<=': return (row) => validity[row] !== 0 && read(row) <= value;
      case '>': return (row) => validity[row] !== 0 && read(row) > value;
      case '>=': return (row) => validity[row] !== 0 && read(row) >= value;
    }
  };
}

function enumPredicate(field: FieldSpec, values: readonly string[], negate: boolean): Predicate {
  const codes = values.map((v) => (field.values ?? []).indexOf(v) + 1);
  return (batch) => {
    if (!batch.has(field.name)) return () => false;
    const column = batch.column(field.name) as Uint8Array;
    return (row) => column[row] !== 0 && codes.includes(column[row]!) !== negate;
  };
}

function textPredicate(field: FieldSpec, values: readonly string[], negate: boolean): Predicate {
  return (batch) => {
    if (!batch.has(field.name)) return () => false;
    const column = batch.column(field.name) as Uint32Array;
    // Find the batch's dictionary ids of the wanted texts once, then compare integers.
    const wanted = new Set<number>();
    for (let id = 1; id <= batch.dictionarySize; id++) if (values.includes(batch.text(id))) wanted.add(id);
    return (row) => column[row] !== 0 && wanted.has(column[row]!) !== negate;
  };
}

function addressPredicate(field: FieldSpec, blocks: readonly { words: Uint32Array; masks: Uint32Array }[], negate: boolean): Predicate {
  return (batch) => {
    if (!batch.has(field.name)) return () => false;
    const words = batch.words(field.name);
    const family = batch.validity(field.name);
    return (row) => {
      if (family[row] === 0) return false;
      const at = row * 4;
      const inside = blocks.some((b) => ((words[at]! & b.masks[0]!) >>> 0) === b.words[0] && ((words[at + 1]! & b.masks[1]!) >>> 0) === b.words[1] && ((words[at + 2]! & b.masks[2]!) >>> 0) === b.words[2] && ((words[at + 3]! & b.masks[3]!) >>> 0) === b.words[3]);
      return inside !== negate;
    };
  };
}

function block(text: string, filterText: string): { words: Uint32Array; masks: Uint32Array } {
  const [address, prefixText] = text.split('/');
  const words = addressWords(address ?? '');
  const v4 = !(address ?? '').includes(':');
  const prefix = prefixText === undefined ? (v4 ? 32 : 128) : Number(prefixText);
  if (!words || !Number.isInteger(prefix) || prefix < 0 || prefix > (v4 ? 32 : 128)) throw invalid(filterText, `${JSON.stringify(text)} is not an address or CIDR block`);
  const bits = v4 ? prefix + 96 : prefix;
  const masks = Uint32Array.from([0, 1, 2, 3], (w) => {
    const inWord = Math.max(0, Math.min(32, bits - w * 32));
    return inWord === 0 ? 0 : inWord === 32 ? 0xffffffff : (0xffffffff << (32 - inWord)) >>> 0;
  });
  return { words: Uint32Array.from(words, (word, w) => (word & masks[w]!) >>> 0), masks };
}

class Parser {
  #at = 0;
  constructor(
    readonly tokens: string[],
    readonly text: string,
  ) {}

  peek(): string | undefined {
    return this.tokens[this.#at];
  }
  next(what: string): string {
    const token = this.tokens[this.#at++];
    if (token === undefined) throw invalid(this.text, `expected ${what} at the end`);
    return token;
  }

  expression(): Predicate {
    let left = this.term();
    while (this.peek()?.toLowerCase() === 'or') {
      this.#at++;
      const a = left;
      const b = this.term();
      left = (batch) => {
        const pa = a(batch);
        const pb = b(batch);
        return (row) => pa(row) || pb(row);
      };
    }
    return left;
  }

  term(): Predicate {
    let left = this.factor();
    while (this.peek()?.toLowerCase() === 'and') {
      this.#at++;
      const a = left;
      const b = this.factor();
      left = (batch) => {
        const pa = a(batch);
        const pb = b(batch);
        return (row) => pa(row) && pb(row);
      };
    }
    return left;
  }

  factor(): Predicate {
    const token = this.next('a comparison');
    if (token.toLowerCase() === 'not') {
      const inner = this.factor();
      return (batch) => {
        const p = inner(batch);
        return (row) => !p(row);
      };
    }
    if (token === '(') {
      const inner = this.expression();
      if (this.next("')'") !== ')') throw invalid(this.text, "expected ')'");
      return inner;
    }
    const field = knownField(token);
    if (!field) throw invalid(this.text, `${JSON.stringify(token)} is not a field AWS defines`);
    const op = this.next('an operator (== != < <= > >= in)');
    if (op.toLowerCase() === 'in') return this.membership(field);
    if (!['==', '!=', '<', '<=', '>', '>='].includes(op)) throw invalid(this.text, `${JSON.stringify(op)} is not an operator (== != < <= > >= in)`);
    return this.comparison(field, op as Op, this.next('a value'));
  }

  membership(field: FieldSpec): Predicate {
    if (this.peek() !== '(') {
      const target = this.next('a CIDR block');
      if (field.kind !== 'ip') throw invalid(this.text, `'in ${target}' needs an address field; ${field.name} is ${field.kind}`);
      return addressPredicate(field, [block(target, this.text)], false);
    }
    this.#at++;
    const values: string[] = [];
    while (true) {
      values.push(this.next('a value'));
      const separator = this.next("',' or ')'");
      if (separator === ')') break;
      if (separator !== ',') throw invalid(this.text, `expected ',' or ')' after ${values.at(-1)}`);
    }
    const alternatives = values.map((v) => this.comparison(field, '==', v));
    return (batch) => {
      const predicates = alternatives.map((p) => p(batch));
      return (row) => predicates.some((p) => p(row));
    };
  }

  comparison(field: FieldSpec, op: Op, value: string): Predicate {
    const ordered = op !== '==' && op !== '!=';
    switch (field.kind) {
      case 'u32':
      case 'u64': {
        if (!/^\d+$/.test(value)) throw invalid(this.text, `${field.name} is a number; ${JSON.stringify(value)} is not`);
        return numberPredicate(field, op, Number(value));
      }
      case 'enum':
        if (ordered) throw invalid(this.text, `${field.name} takes == or != (values: ${field.values!.join(', ')})`);
        if (!field.values!.includes(value)) throw invalid(this.text, `${field.name} is one of ${field.values!.join(', ')}; not ${JSON.stringify(value)}`);
        return enumPredicate(field, [value], op === '!=');
      case 'ip':
        if (ordered) throw invalid(this.text, `${field.name} takes ==, != or 'in CIDR'`);
        return addressPredicate(field, [block(value, this.text)], op === '!=');
      default:
        if (ordered) throw invalid(this.text, `${field.name} takes == or !=`);
        return value === '-' ? never : textPredicate(field, [value], op === '!=');
    }
  }
}

/** Compile a filter expression; throws VPCFLOW_CONFIG_INVALID naming what is wrong. */
export function compileFilter(text: string): RowFilter {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw invalid(text, 'it is empty');
  const parser = new Parser(tokens, text);
  const predicate = parser.expression();
  if (parser.peek() !== undefined) throw invalid(text, `unexpected ${JSON.stringify(parser.peek())}`);
  return { bind: predicate, text };
}

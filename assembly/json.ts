// Just enough JSON to walk a CloudWatch Logs envelope without building values: whitespace, strings
// (found by vector search for '"' and '\'), skipping any value, and unescaping a string into scratch.
// Vector loads read up to 31 bytes past `end` (inside PAD); hits past it are rejected or clamped.
// Every function returns 0 for malformed input instead of trapping; depth is bounded, not recursive.
import { BACKSLASH, CR, LF, QUOTE, SPACE } from './bytes';

export const LBRACE: u8 = 0x7b;
export const RBRACE: u8 = 0x7d;
export const LBRACKET: u8 = 0x5b;
export const RBRACKET: u8 = 0x5d;
export const COMMA: u8 = 0x2c;
const TAB: u8 = 0x09;
const MAX_DEPTH: u32 = 64;

/** Whether the last string scanned held a backslash escape. */
export let stringEscaped: bool = false;

@inline
export function isWhitespace(byte: u8): bool {
  return byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09;
}

export function skipWhitespace(p: usize, end: usize): usize {
  while (p < end && isWhitespace(load<u8>(p))) p++;
  return p;
}

/** p is at an opening quote. Returns the position of the closing quote, or 0. */
export function stringEnd(p: usize, end: usize): usize {
  const quote = i8x16.splat(<i8>QUOTE);
  const backslash = i8x16.splat(<i8>BACKSLASH);
  stringEscaped = false;
  p++;
  // 32 bytes a step: event ids and messages are tens to hundreds of bytes.
  while (p < end) {
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const mask = <u32>i8x16.bitmask(v128.or(i8x16.eq(a, quote), i8x16.eq(a, backslash)))
      | (<u32>i8x16.bitmask(v128.or(i8x16.eq(b, quote), i8x16.eq(b, backslash))) << 16);
    if (mask == 0) {
      p += 32;
      continue;
    }
    const hit = p + <usize>ctz(mask);
    if (hit >= end) return 0;
    if (load<u8>(hit) == QUOTE) return hit;
    stringEscaped = true;
    p = hit + 2; // the escaped byte cannot end the string
  }
  return 0;
}

/** The first byte at or after p that ends a number or literal (',', '}', ']', whitespace), or end. */
@inline
function literalEnd(p: usize, end: usize): usize {
  while (p < end) {
    const v = v128.load(p);
    const closers = v128.or(
      v128.or(i8x16.eq(v, i8x16.splat(<i8>COMMA)), i8x16.eq(v, i8x16.splat(<i8>RBRACE))),
      i8x16.eq(v, i8x16.splat(<i8>RBRACKET)),
    );
    const whitespace = v128.or(
      v128.or(i8x16.eq(v, i8x16.splat(<i8>SPACE)), i8x16.eq(v, i8x16.splat(<i8>LF))),
      v128.or(i8x16.eq(v, i8x16.splat(<i8>CR)), i8x16.eq(v, i8x16.splat(<i8>TAB))),
    );
    const stops = v128.or(closers, whitespace);
    const mask = i8x16.bitmask(stops);
    if (mask != 0) {
      const hit = p + <usize>ctz(mask);
      return hit < end ? hit : end;
    }
    p += 16;
  }
  return end;
}

/** p is at the first byte of a value. Returns the position after it, or 0. */
export function skipValue(p: usize, end: usize): usize {
  if (p >= end) return 0;
  const first = load<u8>(p);
  if (first == QUOTE) {
    const close = stringEnd(p, end);
    return close == 0 ? 0 : close + 1;
  }
  if (first != LBRACE && first != LBRACKET) {
    // Number or literal: up to the next delimiter.
    const stop = literalEnd(p, end);
    return stop > p ? stop : 0;
  }
  // Containers: track nesting as a bit stack (1 = object), so "{]" is caught without recursion.
  let stack: u64 = 0;
  let depth: u32 = 0;
  while (p < end) {
    const byte = load<u8>(p);
    if (byte == QUOTE) {
      const close = stringEnd(p, end);
      if (close == 0) return 0;
      p = close + 1;
      continue;
    }
    if (byte == LBRACE || byte == LBRACKET) {
      if (depth == MAX_DEPTH) return 0;
      stack = (stack << 1) | (byte == LBRACE ? 1 : 0);
      depth++;
    } else if (byte == RBRACE || byte == RBRACKET) {
      if (depth == 0 || ((stack & 1) == 1) != (byte == RBRACE)) return 0;
      stack >>= 1;
      depth--;
      if (depth == 0) return p + 1;
    }
    p++;
  }
  return 0;
}

@inline
function hexDigit(byte: u32): u32 {
  const digit = byte - 0x30;
  if (digit <= 9) return digit;
  const letter = (byte | 0x20) - 0x61;
  return letter <= 5 ? letter + 10 : 0xffff_ffff;
}

function hex4(p: usize): u32 {
  let value: u32 = 0;
  for (let i: usize = 0; i < 4; i++) {
    const digit = hexDigit(<u32>load<u8>(p + i));
    if (digit > 15) return 0xffff_ffff;
    value = (value << 4) | digit;
  }
  return value;
}

function putUtf8(out: usize, code: u32): usize {
  if (code < 0x80) {
    store<u8>(out, <u8>code);
    return out + 1;
  }
  if (code < 0x800) {
    store<u8>(out, <u8>(0xc0 | (code >> 6)));
    store<u8>(out + 1, <u8>(0x80 | (code & 0x3f)));
    return out + 2;
  }
  if (code < 0x10000) {
    store<u8>(out, <u8>(0xe0 | (code >> 12)));
    store<u8>(out + 1, <u8>(0x80 | ((code >> 6) & 0x3f)));
    store<u8>(out + 2, <u8>(0x80 | (code & 0x3f)));
    return out + 3;
  }
  store<u8>(out, <u8>(0xf0 | (code >> 18)));
  store<u8>(out + 1, <u8>(0x80 | ((code >> 12) & 0x3f)));
  store<u8>(out + 2, <u8>(0x80 | ((code >> 6) & 0x3f)));
  store<u8>(out + 3, <u8>(0x80 | (code & 0x3f)));
  return out + 4;
}

const REPLACEMENT: u32 = 0xfffd;

/**
 * Unescape the string body [p, end) into `out`. Returns the end of the output, or 0 for a bad
 * escape. The output is never longer than the input (\uXXXX is 6 bytes for at most 4).
 * Lone surrogates become U+FFFD, as JSON.parse + TextEncoder would make them.
 */
export function unescapeString(p: usize, end: usize, out: usize): usize {
  while (p < end) {
    const byte = load<u8>(p);
    if (byte != BACKSLASH) {
      store<u8>(out++, byte);
      p++;
      continue;
    }
    if (p + 1 >= end) return 0;
    const escape = load<u8>(p + 1);
    p += 2;
    if (escape == 0x6e) store<u8>(out++, 0x0a); // \n
    else if (escape == QUOTE || escape == BACKSLASH || escape == 0x2f) store<u8>(out++, escape);
    else if (escape == 0x74) store<u8>(out++, 0x09); // \t
    else if (escape == 0x72) store<u8>(out++, 0x0d); // \r
    else if (escape == 0x62) store<u8>(out++, 0x08); // \b
    else if (escape == 0x66) store<u8>(out++, 0x0c); // \f
    else if (escape == 0x75) {
      if (p + 4 > end) return 0;
      let code = hex4(p);
      if (code > 0xffff) return 0;
      p += 4;
      if (code >= 0xd800 && code <= 0xdbff) {
        // A high surrogate pairs with a following \uDC00-\uDFFF.
        let low: u32 = 0xffff_ffff;
        if (p + 6 <= end && load<u8>(p) == BACKSLASH && load<u8>(p + 1) == 0x75) low = hex4(p + 2);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          p += 6;
        } else {
          code = REPLACEMENT;
        }
      } else if (code >= 0xdc00 && code <= 0xdfff) {
        code = REPLACEMENT;
      }
      out = putUtf8(out, code);
    } else {
      return 0;
    }
  }
  return out;
}

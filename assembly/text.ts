// Text mode: LF-terminated records, as files, stdin and plain Kafka/Kinesis payloads carry them.
// With `final` false, the bytes after the last LF stay unconsumed for the caller to carry over.
import { LF, findByte } from './bytes';
import { countHeader, countLine, emitTooLong, hasRoom, lines, nextLine, publish, resetInput, takeGeneral, takeLines } from './batch';
import { inputPtr, maxLineBytes } from './layout';
import { LINE_HEADER } from './line';
import { STOP_END, STOP_FULL, STOP_HEADER } from './status';

let inputLength: usize = 0;
let final: bool = true;
let cursor: usize = 0;
// End of the complete lines: the input's end when final, else just after its last LF.
let linesEnd: usize = 0;
// The previous call ended inside a line already reported as too long: skip to its end.
let discarding: bool = false;

export function beginText(length: u32, isFinal: bool): void {
  inputLength = <usize>length;
  final = isFinal;
  cursor = 0;
  linesEnd = inputLength;
  // An LF after the input, so what lies past the last token is never a digit or a word.
  store<u8>(inputPtr + inputLength, LF);
  if (!isFinal) {
    while (linesEnd > 0 && load<u8>(inputPtr + linesEnd - 1) != LF) linesEnd--;
  }
  resetInput();
}

/** Forget a partly discarded line (a new stream starts). */
export function resetTextStream(): void {
  discarding = false;
}

export function runText(): u32 {
  const base = inputPtr;
  const end = base + inputLength;
  const regionEnd = base + linesEnd;
  let p = base + cursor;
  if (discarding && p < end) {
    const newline = findByte(p, end, LF);
    if (newline == end) {
      cursor = inputLength;
      if (final) discarding = false;
      return publish(STOP_END, cursor);
    }
    discarding = false;
    countLine();
    p = newline + 1;
  }
  while (p < regionEnd) {
    if (!hasRoom()) {
      cursor = p - base;
      return publish(STOP_FULL, cursor);
    }
    if (takeLines(p, regionEnd) != 0) {
      p = nextLine;
      continue;
    }
    if (takeGeneral(p, regionEnd, <u32>(p - base), lines) == LINE_HEADER) {
      cursor = p - base;
      return publish(STOP_HEADER, cursor);
    }
    countLine();
    p = nextLine;
  }
  if (end - p > maxLineBytes) {
    // An incomplete line that is too long already: report it now, drop the rest when it arrives.
    if (!hasRoom()) {
      cursor = p - base;
      return publish(STOP_FULL, cursor);
    }
    emitTooLong(<u32>(p - base), lines);
    discarding = true;
    p = end;
  }
  cursor = p - base;
  return publish(STOP_END, cursor);
}

/** Step over the header line at the cursor (JS has read it). */
export function skipHeaderLine(): void {
  const base = inputPtr;
  const end = base + inputLength;
  const newline = findByte(base + cursor, end, LF);
  cursor = (newline < end ? newline + 1 : end) - base;
  countHeader();
  countLine();
}

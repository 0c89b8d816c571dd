// The tokenizer's exports: configuration, the text and envelope drivers, and where results live.
// src/tokenizer/ is the only caller. Nothing here throws: bad input becomes statuses and counters.
import * as layout from './layout';
import { resetBatch } from './batch';
import { beginEnvelope, runCwl } from './cwl';
import { resetEnvelopeScratch } from './messages';
import { prepareEnums } from './enums';
import { setNameCount } from './header';
import { parseNextHeaderAsRecord } from './line';
import { beginText, resetTextStream, runText, skipHeaderLine } from './text';
import { STATUS_COUNT } from './status';

export { beginText, runText, skipHeaderLine, resetTextStream, beginEnvelope, runCwl, parseNextHeaderAsRecord };

export function fieldKindPtr(): usize { return layout.FIELD_KIND; }
export function fieldEnumPtr(): usize { return layout.FIELD_ENUM; }
export function fieldMaxPtr(): usize { return layout.FIELD_MAX; }
export function columnsPtr(): usize { return layout.COLUMNS; }
export function enumTablePtr(): usize { return layout.ENUM_TABLE; }
export function enumCountPtr(): usize { return layout.ENUM_COUNT; }
export function nameTablePtr(): usize { return layout.NAME_TABLE; }
export function nameFilterPtr(): usize { return layout.NAME_FILTER; }
export function resultPtr(): usize { return layout.RESULT; }
export function maxFields(): i32 { return layout.MAX_FIELDS; }
export function maxNames(): i32 { return layout.MAX_NAMES; }
export function statusCount(): i32 { return <i32>STATUS_COUNT; }

export function setup(fields: i32, records: u32, capacity: u32, dictionary: u32, lineLimit: u32): bool {
  if (!layout.setup(fields, records, capacity, dictionary, lineLimit)) return false;
  prepareEnums();
  return true;
}
export function setNames(count: i32): void { setNameCount(count); }

export function inputPtr(): usize { return layout.inputPtr; }
export function statusPtr(): usize { return layout.statusPtr; }
export function errorFieldPtr(): usize { return layout.errorFieldPtr; }
export function offsetPtr(): usize { return layout.offsetPtr; }
export function linePtr(): usize { return layout.linePtr; }
export function dictEntriesPtr(): usize { return layout.dictEntriesPtr; }

/** Start a new batch at the current position (after a STOP_FULL, or after a format change). */
export function nextBatch(): void {
  resetBatch();
  resetEnvelopeScratch();
}

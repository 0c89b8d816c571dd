// Header lines, as S3-delivered files start with: the first word is a field name AWS defines
// (hyphens or underscores). JS wrote the catalog's names to NAME_TABLE and NAME_FILTER.
import { DASH, LOWER_A, LOWER_Z, UNDERSCORE } from './bytes';
import { MAX_NAMES, NAME_ENTRY_BYTES, NAME_FILTER, NAME_TABLE } from './layout';

export let nameCount: i32 = 0;

export function setNameCount(count: i32): void {
  nameCount = count < MAX_NAMES ? count : MAX_NAMES;
}

@inline
function sameName(entry: usize, p: usize, len: usize): bool {
  for (let i: usize = 0; i < len; i++) {
    let byte = load<u8>(p + i);
    if (byte == UNDERSCORE) byte = DASH;
    if (byte != load<u8>(entry + 1 + i)) return false;
  }
  return true;
}

/** Whether a line whose first token is [p, end) is a header line. */
@inline
export function isHeader(p: usize, end: usize): bool {
  const first = <u32>load<u8>(p);
  if (first - <u32>LOWER_A > <u32>(LOWER_Z - LOWER_A)) return false;
  return isFieldName(p, end - p, first);
}

function isFieldName(p: usize, len: usize, first: u32): bool {
  if (len >= 64) return false;
  const letters = load<u32>(NAME_FILTER + (len << 2));
  if ((letters & (<u32>1 << (first - <u32>LOWER_A))) == 0) return false;
  for (let i = 0; i < nameCount; i++) {
    const entry = NAME_TABLE + <usize>i * NAME_ENTRY_BYTES;
    if (<usize>load<u8>(entry) == len && sameName(entry, p, len)) return true;
  }
  return false;
}

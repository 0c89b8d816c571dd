/**
 * The dimensions of window totals: action × protocol × log-status × direction × traffic class,
 * packed into one dense cell index so the hot loop adds into a Float64Array.
 * Protocols get slots in order of first sight (per worker); past SLOT_OTHER they share "other".
 */
import { DIRECTIONS, TRAFFIC_CLASSES } from '../classify.js';

export const ACTION_NAMES = [null, 'ACCEPT', 'REJECT'] as const;
export const LOG_STATUS_NAMES = [null, 'OK', 'NODATA', 'SKIPDATA'] as const;

export const PROTOCOL_SLOTS = 16;
const SLOT_NONE = 0;
const SLOT_OTHER = PROTOCOL_SLOTS - 1;

export const CELLS = ACTION_NAMES.length * PROTOCOL_SLOTS * LOG_STATUS_NAMES.length * DIRECTIONS.length * TRAFFIC_CLASSES.length;

/** Cell of a combination; every argument is an index into its names list. */
export function cellOf(action: number, slot: number, status: number, direction: number, trafficClass: number): number {
  return (((action * PROTOCOL_SLOTS + slot) * LOG_STATUS_NAMES.length + status) * DIRECTIONS.length + direction) * TRAFFIC_CLASSES.length + trafficClass;
}

export type ProtocolValue = number | null | 'other';

/** A totals group with names instead of indexes: the form partials and output use. */
export interface TotalsGroup {
  action: (typeof ACTION_NAMES)[number];
  protocol: ProtocolValue;
  log_status: (typeof LOG_STATUS_NAMES)[number];
  direction: (typeof DIRECTIONS)[number];
  traffic_class: (typeof TRAFFIC_CLASSES)[number];
  flows: number;
  packets: number;
  bytes: number;
}

export class ProtocolSlots {
  /** Slot per IANA protocol number (0..255), -1 until first seen: the hot loop reads it directly. */
  readonly slotOf = new Int8Array(256).fill(-1);
  readonly #protocolOf: number[] = [];

  /** The slot of an IANA protocol number (0..255), given one when first seen. */
  slot(protocol: number): number {
    const known = this.slotOf[protocol]!;
    if (known >= 0) return known;
    if (this.#protocolOf.length + 1 >= SLOT_OTHER) {
      this.slotOf[protocol] = SLOT_OTHER;
      return SLOT_OTHER;
    }
    this.#protocolOf.push(protocol);
    this.slotOf[protocol] = this.#protocolOf.length;
    return this.#protocolOf.length;
  }

  protocol(slot: number): ProtocolValue {
    if (slot === SLOT_NONE) return null;
    if (slot === SLOT_OTHER) return 'other';
    return this.#protocolOf[slot - 1]!;
  }
}

export const SLOT_FOR_NULL = SLOT_NONE;

/** The groups of a dense totals array (flows, packets, bytes per cell) that have any flows. */
export function groupsOf(cells: Float64Array, slots: ProtocolSlots): TotalsGroup[] {
  const groups: TotalsGroup[] = [];
  for (let cell = 0; cell < CELLS; cell++) {
    const flows = cells[cell * 3]!;
    const packets = cells[cell * 3 + 1]!;
    const bytes = cells[cell * 3 + 2]!;
    if (flows === 0 && packets === 0 && bytes === 0) continue;
    let rest = cell;
    const trafficClass = rest % TRAFFIC_CLASSES.length;
    rest = (rest - trafficClass) / TRAFFIC_CLASSES.length;
    const direction = rest % DIRECTIONS.length;
    rest = (rest - direction) / DIRECTIONS.length;
    const status = rest % LOG_STATUS_NAMES.length;
    rest = (rest - status) / LOG_STATUS_NAMES.length;
    const slot = rest % PROTOCOL_SLOTS;
    const action = (rest - slot) / PROTOCOL_SLOTS;
    groups.push({
      action: ACTION_NAMES[action]!,
      protocol: slots.protocol(slot),
      log_status: LOG_STATUS_NAMES[status]!,
      direction: DIRECTIONS[direction]!,
      traffic_class: TRAFFIC_CLASSES[trafficClass]!,
      flows,
      packets,
      bytes,
    });
  }
  return groups;
}

const groupKey = (g: TotalsGroup): string => `${g.action}|${g.protocol}|${g.log_status}|${g.direction}|${g.traffic_class}`;

/** Add groups of several partials together (associative and commutative), in a stable order. */
export function mergeGroups(partials: readonly (readonly TotalsGroup[])[]): TotalsGroup[] {
  const merged = new Map<string, TotalsGroup>();
  for (const groups of partials) {
    for (const group of groups) {
      const key = groupKey(group);
      const existing = merged.get(key);
      if (existing) {
        existing.flows += group.flows;
        existing.packets += group.packets;
        existing.bytes += group.bytes;
      } else {
        merged.set(key, { ...group });
      }
    }
  }
  return [...merged.values()].sort((a, b) => b.bytes - a.bytes || b.flows - a.flows || groupKey(a).localeCompare(groupKey(b)));
}

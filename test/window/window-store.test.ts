/**
 * The window store's catch-up windows: a window asked for after it closed is re-opened apart from
 * the open ones, returned (flagged) by the next close whatever that close's boundary, counted
 * against the cap of open windows; its heavy hitters reach the larger size's window that is still
 * open, or that window's own catch-up window when it has closed (never a window emitted already).
 */
import { describe, expect, it } from 'vitest';
import { ProtocolSlots } from '../../src/window/aggregators/groups.js';
import { WindowStore, type WindowPartial } from '../../src/window/window-store.js';

const T = 1_700_000_400; // on a 10-minute boundary
const slots = new ProtocolSlots();
const ids = (partials: readonly WindowPartial[]): string[] => partials.map((p) => `${p.sizeSeconds}:${p.start - T}${p.catchUp ? ' catch-up' : ''}`);
const talkers = (partials: readonly WindowPartial[], size: number, start: number): number | undefined =>
  partials.find((p) => p.sizeSeconds === size && p.start === start)?.heavyHitters.talkers.total;

describe('window store: catch-up windows', () => {
  it('re-opens a closed window apart, and every close returns it, before the windows closing then', () => {
    const store = new WindowStore([60, 600], 100, 100);
    store.window(0, T + 60)!.cells[0] = 1;
    store.window(1, T)!.cells[0] = 1;
    expect(ids(store.close(T + 120, slots))).toEqual(['60:60']);

    const reopened = store.window(0, T + 60)!;
    reopened.cells[0] = 5;
    store.window(0, T + 120)!.cells[0] = 2; // still open
    // A close that closes nothing more still returns the catch-up window.
    expect(ids(store.close(T + 150, slots))).toEqual(['60:60 catch-up']);
    expect(store.openCount(0)).toBe(1);
    store.window(0, T + 60)!.cells[0] = 1;
    expect(ids(store.close(T + 600, slots))).toEqual(['60:60 catch-up', '60:120', '600:0']);
    expect(store.openCount(0) + store.openCount(1)).toBe(0);
  });

  it('counts catch-up windows against the cap of open windows', () => {
    const store = new WindowStore([60], 100, 2);
    store.close(T + 120, slots);
    expect(store.window(0, T)).not.toBeNull(); // catch-up
    expect(store.window(0, T + 120)).not.toBeNull(); // open
    expect(store.window(0, T + 60)).toBeNull();
    expect(store.window(0, T + 180)).toBeNull();
    expect(store.openCount(0)).toBe(2);
  });

  it("folds a catch-up window's heavy hitters into the larger window still open, or into its catch-up window once it closed", () => {
    const store = new WindowStore([60, 600], 100, 100);
    store.window(0, T)!.heavyHitters.talkers.add(1, 2, 10);
    store.window(0, T + 600)!.heavyHitters.talkers.add(1, 2, 20);
    const first = store.close(T + 660, slots);
    // The 10-minute window [T, T+10m) is emitted with the first minute's 10.
    expect(talkers(first, 600, T)).toBe(10);

    store.window(0, T + 540)!.heavyHitters.talkers.add(1, 2, 100); // its 10-minute window has closed
    store.window(0, T + 600)!.heavyHitters.talkers.add(1, 2, 1_000); // its 10-minute window is open
    const second = store.close(T + 700, slots);
    expect(ids(second)).toEqual(['60:540 catch-up', '60:600 catch-up', '600:0 catch-up']);
    expect(talkers(second, 600, T)).toBe(100);

    const last = store.close(T + 1200, slots);
    expect(ids(last)).toEqual(['600:600']);
    expect(talkers(last, 600, T + 600)).toBe(1_020);
  });
});

/** The sticky assignment: balanced, complete, and moving only what balance requires. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stickyAssignment } from '../../../src/sources/kafka/sticky-assigner.js';

const partitions = (n: number): string[] => Array.from({ length: n }, (_, i) => `t/${i}`);
const moved = (before: Map<string, string[]>, after: Map<string, string[]>): number => {
  const owner = new Map([...before].flatMap(([id, ps]) => ps.map((p) => [p, id] as const)));
  return [...after].reduce((sum, [id, ps]) => sum + ps.filter((p) => owner.get(p) !== id).length, 0);
};

describe('sticky assignment', () => {
  it('moves only the partitions a joining or leaving member requires', () => {
    const six = partitions(6);
    const two = stickyAssignment(six, [{ id: 'a', previous: [] }, { id: 'b', previous: [] }]);
    const three = stickyAssignment(six, [...[...two].map(([id, previous]) => ({ id, previous })), { id: 'c', previous: [] }]);
    expect(moved(two, three)).toBe(2); // the newcomer's two
    const afterLeave = stickyAssignment(six, [...three].filter(([id]) => id !== 'a').map(([id, previous]) => ({ id, previous })));
    expect(moved(three, afterLeave)).toBe(2); // the leaver's two
    expect([...afterLeave.values()].map((ps) => ps.length)).toEqual([3, 3]);
  });

  it('assigns every partition exactly once, balanced within one, whatever members claim to hold', () => {
    const member = fc.record({ id: fc.string({ minLength: 1, maxLength: 4 }), previous: fc.array(fc.integer({ min: 0, max: 30 }).map((i) => `t/${i}`), { maxLength: 12 }) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24 }), fc.uniqueArray(member, { minLength: 1, maxLength: 7, selector: (m) => m.id }), (n, members) => {
        const result = stickyAssignment(partitions(n), members);
        const all = [...result.values()].flat();
        expect(all.sort()).toEqual(partitions(n).sort());
        const counts = [...result.values()].map((ps) => ps.length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * The commit tracker with catch-up windows: a partition with a payload whose catch-up windows wait
 * for a later close barrier (they end before the closed-through time already), or still catching
 * up, is not committed at all: not even its payloads before (the commit's mark would cover the
 * waiting records).
 */
import { describe, expect, it } from 'vitest';
import { CommitTracker } from '../../src/pipeline/commit-tracker.js';

describe('commit tracker: catch-up windows', () => {
  it('holds a partition with catch-up records until the barrier its ack asked for', () => {
    const t = new CommitTracker<string>();
    t.track(1, 'taken', 'o1');
    t.track(2, 'taken', 'o2');
    t.track(3, 'own', 'x1');
    t.acked(1, 600, { barrier: 0 });
    // Acked while barrier 4 was being emitted: its catch-up windows go out with barrier 5.
    t.acked(2, 600, { barrier: 5 });
    t.acked(3, 600);
    expect(t.advance(1200, 4)).toEqual(new Map([['own', 'x1']]));
    expect(t.pending('taken')).toBe(2);
    expect(t.advance(1200, 5)).toEqual(new Map([['taken', 'o2']]));
  });

  it('commits nothing of a partition while its latest ack says it is catching up', () => {
    const t = new CommitTracker<string>();
    t.track(1, 'taken', 'o1');
    t.track(2, 'taken', 'o2');
    t.acked(1, 600, { barrier: 1, catchingUp: true });
    expect(t.advance(Infinity, 9)).toEqual(new Map());
    t.acked(2, 1200, { catchingUp: false });
    expect(t.advance(1200, 9)).toEqual(new Map([['taken', 'o2']]));
  });

  it('forgets the catching-up state of a partition it drops', () => {
    const t = new CommitTracker<string>();
    t.track(1, 'taken', 'o1');
    t.acked(1, 600, { catchingUp: true });
    t.drop('taken');
    t.track(2, 'taken', 'o2');
    t.acked(2, 600);
    expect(t.advance(600, 1)).toEqual(new Map([['taken', 'o2']]));
  });
});

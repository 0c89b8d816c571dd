import { describe, expect, it } from 'vitest';
import { CommitTracker } from '../../src/pipeline/commit-tracker.js';
import { Watermarks } from '../../src/pipeline/watermarks.js';

describe('watermarks', () => {
  const clock = { now: 0 };
  const make = () => new Watermarks({ outOfOrdernessSeconds: 60, idleSeconds: 30, now: () => clock.now });

  it('is the lowest partition watermark (newest event − out-of-orderness), and never goes back', () => {
    clock.now = 0;
    const w = make();
    w.register('a');
    w.register('b');
    w.observe('a', 1000);
    expect(w.current()).toBe(-Infinity); // b has no records yet: it holds the watermark
    w.observe('b', 700);
    expect(w.current()).toBe(640);
    w.observe('b', 900);
    expect(w.current()).toBe(840);
    w.observe('b', 100); // an old record does not move it back
    expect(w.current()).toBe(840);
  });

  it('leaves idle partitions out, and uses the highest when all are idle', () => {
    clock.now = 0;
    const w = make();
    w.observe('a', 1000);
    w.observe('b', 500);
    expect(w.current()).toBe(440);
    clock.now = 20_000;
    w.observe('a', 1100);
    clock.now = 40_000; // b idle for 40 s, a for 20 s
    expect(w.current()).toBe(1040);
    clock.now = 100_000; // both idle
    expect(w.current()).toBe(1040);
  });

  it('leaves ended partitions out, and goes to the end of time when the source ends', () => {
    clock.now = 0;
    const w = make();
    w.observe('a', 1000);
    w.observe('b', 500);
    w.end('b');
    expect(w.current()).toBe(940);
    w.endAll();
    expect(w.current()).toBe(Infinity);
  });
});

describe('commit tracker', () => {
  it('moves a partition past payloads that are acked and whose windows have closed, in order', () => {
    const t = new CommitTracker<string>();
    t.track(1, 'p', 'o1');
    t.track(2, 'p', 'o2');
    t.track(3, 'p', 'o3');
    t.track(4, 'q', 'x1');
    t.acked(2, 600);
    expect(t.advance(10_000)).toEqual(new Map()); // 1 is not acked: nothing after it is safe
    t.acked(1, 600);
    t.acked(3, 1200);
    t.acked(4, -Infinity); // no records in windows: safe once acked
    expect(t.advance(600)).toEqual(new Map([['p', 'o2'], ['q', 'x1']]));
    expect(t.pending('p')).toBe(1);
    expect(t.advance(1200)).toEqual(new Map([['p', 'o3']]));
    expect(t.advance(5000)).toEqual(new Map());
  });

  it('forgets a revoked partition', () => {
    const t = new CommitTracker<string>();
    t.track(1, 'p', 'o1');
    t.drop('p');
    t.acked(1, 0);
    expect(t.advance(Infinity)).toEqual(new Map());
  });
});

import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/metrics/names.js';

describe('metric names', () => {
  const specs = Object.values(METRICS);

  it('follow vpcflow_<subsystem>_<name>[_<unit>][_total]', () => {
    for (const spec of specs) expect(spec.name).toMatch(/^vpcflow_[a-z]+(_[a-z]+)+$/);
  });

  it('end in _total exactly when they are counters', () => {
    for (const spec of specs) expect(spec.name.endsWith('_total'), spec.name).toBe(spec.type === 'counter');
  });

  it('use base units: seconds and bytes, never milliseconds or kilobytes', () => {
    for (const spec of specs) expect(spec.name).not.toMatch(/_(ms|milliseconds|kb|mb|kilobytes|megabytes|minutes)(_|$)/);
    for (const spec of specs.filter((s) => /time|duration|watermark/.test(s.name))) expect(spec.name, spec.name).toMatch(/_seconds(_total)?$/);
    // Lag is either time or a count of messages (Kafka): the unit says which.
    for (const spec of specs.filter((s) => /lag/.test(s.name))) expect(spec.name, spec.name).toMatch(/_(seconds|messages)$/);
  });

  it('are unique and have help text', () => {
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
    for (const spec of specs) expect(spec.help.length).toBeGreaterThan(20);
  });
});

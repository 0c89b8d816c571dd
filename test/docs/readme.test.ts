import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, render } from '../../scripts/docs.js';

describe('README', () => {
  it('has the configuration and metrics references the code generates (run `npm run docs`)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(render(readme)).toBe(readme);
  });

  it('keeps the two-command quick start', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toMatch(/npm ci && npm start/);
    expect(readme).toMatch(/^npm test/m);
  });
});

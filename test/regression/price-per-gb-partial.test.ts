/**
 * --price-per-gb with prices for some traffic classes only (as the README shows it) was refused:
 * zod 4's record over an enum wants every key, so the schema uses partialRecord.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

describe('price per GB for some traffic classes', () => {
  it('accepts internet and cross_az prices alone', () => {
    const { config } = loadConfig({ pricePerGb: ['internet=0.09,cross_az=0.01'] }, {});
    expect(config.pricePerGb).toEqual({ internet: 0.09, cross_az: 0.01 });
  });

  it('still refuses a class that does not exist', () => {
    expect(() => loadConfig({ pricePerGb: ['intranet=0.09'] }, {})).toThrow(/pricePerGb.*intranet/);
  });
});

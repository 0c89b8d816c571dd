import { describe, expect, it } from 'vitest';
import { createTokenizer } from '../../src/index.js';
import { compileFilter } from '../../src/window/filter.js';

const LINES = [
  '2 1 eni-a 10.0.0.1 52.1.1.1 40000 443 6 5 500 100 160 ACCEPT OK',
  '2 1 eni-b 198.51.100.7 10.0.0.2 51000 22 6 1 40 100 160 REJECT OK',
  '2 1 eni-b 198.51.100.8 10.0.0.2 51000 3389 6 1 40 100 160 REJECT OK',
  '2 1 eni-c 10.0.0.3 10.0.0.4 5353 53 17 2 120 100 160 ACCEPT OK',
  '2 1 eni-c - - - - - - - 100 160 - NODATA',
  '2 1 eni-d 2001:db8::1 fd00::2 1 2 6 3 9000000000 100 160 ACCEPT OK',
];

async function matching(expression: string): Promise<number[]> {
  const tokenizer = await createTokenizer();
  const batch = tokenizer.tokenize(new TextEncoder().encode(LINES.join('\n')));
  const predicate = compileFilter(expression).bind(batch);
  return LINES.map((_, row) => row).filter((row) => predicate(row));
}

describe('--filter expressions', () => {
  it.each([
    ['action == REJECT', [1, 2]],
    ['action != REJECT', [0, 3, 5]],
    ['protocol == 6 and dstport in (22, 3389)', [1, 2]],
    ['srcaddr in 10.0.0.0/8', [0, 3]],
    ['srcaddr in 10.0.0.0/8 and not dstaddr in 10.0.0.0/8', [0]],
    ['dstaddr in fd00::/8', [5]],
    ['bytes > 1000000', [5]],
    ['bytes >= 40 and bytes <= 120', [1, 2, 3]],
    ['interface-id == eni-c', [3, 4]],
    ['log-status == NODATA or (action == ACCEPT and protocol == 17)', [3, 4]],
    ['not (action == ACCEPT)', [1, 2, 4]],
  ])('%s', async (expression, rows) => {
    expect(await matching(expression)).toEqual(rows);
  });

  it.each([
    ['', /empty/],
    ['action == MAYBE', /one of ACCEPT, REJECT/],
    ['color == red', /not a field/],
    ['srcport == abc', /is a number/],
    ['action < REJECT', /takes == or !=/],
    ['srcaddr in 10.0.0.0/99', /not an address or CIDR/],
    ['(action == REJECT', /expected '\)'/],
    ['action == REJECT extra', /unexpected/],
  ])('rejects %j with a message that says what is wrong', (expression, message) => {
    expect(() => compileFilter(expression)).toThrow(message);
  });
});

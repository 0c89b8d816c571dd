/** The address rules of the reference parser: accepted text forms and their canonical output. */
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/reference/ip.js';

describe('IPv4', () => {
  it.each([
    ['172.31.16.139', '172.31.16.139'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['01.2.3.4', '1.2.3.4'],
    ['010.000.001.255', '10.0.1.255'],
  ])('%s -> %s', (text, canonical) => {
    expect(parseIp(text)).toBe(canonical);
  });

  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '1.2.3.', '.1.2.3', '1..2.3', '0001.2.3.4', '1.2.3.a', '+1.2.3.4', '1.2.3.4/32', '', '1 .2.3.4'])(
    'rejects %j',
    (text) => {
      expect(parseIp(text)).toBeNull();
    },
  );
});

describe('IPv6', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // equal runs: the first is compressed
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'], // the longer run wins over the earlier one
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is never compressed
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'], // `::` may stand for one group on input
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::ffff:1.2.3.4', '::ffff:102:304'], // no mixed notation on output
    ['::1.2.3.4', '::102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['64:ff9b::010.0.0.1', '64:ff9b::a00:1'],
    ['2600:1f18:abcd::FFFF', '2600:1f18:abcd::ffff'],
  ])('%s -> %s', (text, canonical) => {
    expect(parseIp(text)).toBe(canonical);
  });

  it.each([
    '1:::2',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7:8:9', // nine groups
    '1:2:3:4:5:6:7', // seven groups without `::`
    '1:2:3:4:5:6:7:8::', // `::` must replace at least one group
    '::1:2:3:4:5:6:7:8',
    ':1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:',
    '12345::',
    'g::1',
    'fe80::1%eth0', // zone ids are not accepted
    '[::1]',
    '1.2.3.4::',
    '::1.2.3.4:1', // the embedded IPv4 must be the final part
    '::ffff:1.2.3',
    '::ffff:256.2.3.4',
    '1:2:3:4:5:6:7:1.2.3.4', // nine groups' worth
    ':',
  ])('rejects %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

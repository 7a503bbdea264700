import { describe, expect, it } from 'vitest';
import { Dec } from '../engine/decimal.js';
import { DEFAULT_QUANTUM as q, ceilToQuantum, fromQuanta, makeQuantum, roundToQuantum, toQuanta, truncToQuantum, formatQ } from '../engine/quantum.js';
import { Money, Price, Volume } from '../engine/values.js';

describe('exact value types', () => {
  it('adds decimals exactly where binary floats do not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(Money.of('0.1').plus(Money.of('0.2')).eq(Money.of('0.3'))).toBe(true);
    expect(Volume.of('0.0012345').plus(Volume.of('0.0000001')).toString()).toBe('0.0012346');
  });

  it('keeps volumes, prices and money apart at compile time', () => {
    const v = Volume.of('1');
    const m = Money.of('1');
    // @ts-expect-error a volume is not money
    m.plus(v);
    // @ts-expect-error a price is not a volume
    v.plus(Price.of('1.1'));
    expect(v.value.eq(m.value)).toBe(true);
  });

  it('compares and orders', () => {
    expect(Money.of('-0.0000001').isNegative()).toBe(true);
    expect(Money.of('0').isNegative()).toBe(false);
    expect(Volume.of('0.3').min(Volume.of('0.2')).toString()).toBe('0.2');
    expect(Money.sum([Money.of('1.5'), Money.of('-0.25'), Money.of('0.0000001')]).toString()).toBe('1.2500001');
  });
});

describe('the 1e-7 quantum', () => {
  it('rounds half away from zero, floors and ceils on the quantum', () => {
    expect(roundToQuantum(new Dec('0.00000005'), q).toString()).toBe('0.0000001');
    expect(roundToQuantum(new Dec('-0.00000005'), q).toString()).toBe('-0.0000001');
    expect(roundToQuantum(new Dec('0.00000004999'), q).toString()).toBe('0');
    expect(truncToQuantum(new Dec('0.12345679'), q).toString()).toBe('0.1234567');
    expect(ceilToQuantum(new Dec('0.12345671'), q).toString()).toBe('0.1234568');
  });

  it('converts to and from whole quanta', () => {
    expect(toQuanta(new Dec('0.0012345'), q)).toBe(12345n);
    expect(toQuanta(new Dec('-3'), q)).toBe(-30000000n);
    expect(fromQuanta(12345n, q).toString()).toBe('0.0012345');
    expect(() => toQuanta(new Dec('0.00000001'), q)).toThrow(/finer than the quantum/);
    expect(formatQ(new Dec('13800'), q)).toBe('13800.0000000');
  });

  it('accepts only powers of ten as precision', () => {
    expect(makeQuantum(new Dec('0.01')).dp).toBe(2);
    expect(() => makeQuantum(new Dec('0.05'))).toThrow(/power of ten/);
  });
});

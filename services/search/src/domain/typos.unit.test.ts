import { describe, expect, it } from 'vitest';
import { typoBudget, typoCorrections, typoDistance } from './typos';

describe('typo tolerance', () => {
  it('allows no typo up to four letters, one from five, two from nine', () => {
    expect([1, 4, 5, 8, 9, 20].map((length) => typoBudget('x'.repeat(length)))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(typoBudget('größe')).toBe(1);
  });

  it('counts a swap of neighbouring letters as one typo', () => {
    expect(typoDistance('receive', 'recieve')).toBe(1);
    expect(typoDistance('speaker', 'spaeker')).toBe(1);
    expect(typoDistance('speaker', 'speakers')).toBe(1);
    expect(typoDistance('speaker', 'spkaeer')).toBe(2);
    expect(typoDistance('', 'abc')).toBe(3);
  });

  it('keeps the candidates within budget, closest first', () => {
    expect(typoCorrections('keybaord', ['keyboards', 'keyboard', 'keypad', 'keybaord'])).toEqual(['keyboard']);
    expect(typoCorrections('keybaords', ['keyboard', 'keyboards', 'keypad'])).toEqual(['keyboards', 'keyboard']);
    expect(typoCorrections('lamp', ['lamb'])).toEqual([]);
  });
});

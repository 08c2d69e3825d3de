import { describe, expect, it } from 'vitest';
import { firstKeptVersion } from './retention-policy';

describe('the first version retention keeps', () => {
  it('keeps the newest maxCount versions', () => {
    expect(firstKeptVersion(10, 3, undefined, false)).toBe(8);
    expect(firstKeptVersion(2, 3, undefined, false)).toBe(0);
  });

  it('keeps versions from the first recent one, and always the newest even when every event is old', () => {
    expect(firstKeptVersion(10, undefined, 6, true)).toBe(6);
    expect(firstKeptVersion(10, undefined, undefined, true)).toBe(10);
  });

  it('applies the stricter of both limits', () => {
    expect(firstKeptVersion(10, 3, 6, true)).toBe(8);
    expect(firstKeptVersion(10, 6, 9, true)).toBe(9);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterFields, formatFieldPath, formatFilter, parseFilter } from './index';
import { filterArbitrary } from './filter-arbitraries';

describe('formatFilter', () => {
  it.each([
    ['a = 1 AND (b = 2 OR c = 3)', 'a = 1 and (b = 2 or c = 3)'],
    ['(a = 1 and b = 2) or c = 3', 'a = 1 and b = 2 or c = 3'],
    ['a = 1 or (b = 2 or c = 3)', 'a = 1 or (b = 2 or c = 3)'],
    ['NOT (a = 1 and b = 2)', 'not (a = 1 and b = 2)'],
    ['not(not a=1)', 'not not a = 1'],
    ['price>=1E3', 'price >= 1000'],
    ['n > 1e21', 'n > 1e+21'],
    ['x IN [ 1,"a" , null ]', 'x in [1, "a", null]'],
    ['x not in []', 'x not in []'],
    ['`content-type` = "a\\u0001\\"b"', '`content-type` = "a\\u0001\\"b"'],
    ['`in`.`and`.`x y` = true', '`in`.and.`x y` = true'],
    ['items[0].`1`.sku contains "a"', 'items[0][1].sku contains "a"'],
    ['`0` = 1', '`0` = 1'],
    ['`a\\`b\\\\c\\nd` = 1', '`a\\`b\\\\c\\nd` = 1'],
    ['s STARTSWITH "é😀"', 's startsWith "é😀"'],
    ['exists( a.b )', 'exists(a.b)'],
  ])('%s -> %s', (text, canonical) => {
    expect(formatFilter(parseFilter(text))).toBe(canonical);
    expect(parseFilter(canonical)).toEqual(parseFilter(text));
  });

  it('round-trips every AST: parseFilter(formatFilter(ast)) equals ast', () => {
    fc.assert(
      fc.property(filterArbitrary, (ast) => {
        expect(parseFilter(formatFilter(ast), { maxLength: 1_000_000, maxDepth: 1000 })).toEqual(ast);
      }),
      { seed: 20240501, numRuns: 2000 },
    );
  });

  it('keeps the AST plain JSON: it survives JSON.stringify / JSON.parse unchanged', () => {
    fc.assert(
      fc.property(filterArbitrary, (ast) => {
        expect(JSON.parse(JSON.stringify(ast))).toEqual(ast);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('formatFieldPath', () => {
  it('writes plain keys bare, positions in brackets and anything else in backticks', () => {
    expect(formatFieldPath(['address', 'city'])).toBe('address.city');
    expect(formatFieldPath(['items', '0', 'sku'])).toBe('items[0].sku');
    expect(formatFieldPath(['not', 'in'])).toBe('`not`.in');
    expect(formatFieldPath(['01', '-1'])).toBe('`01`.`-1`');
  });
});

describe('filterFields', () => {
  it('lists every distinct field once, in order of first appearance', () => {
    const ast = parseFilter('a.b = 1 and (c in [1] or not exists(a.b)) and tags contains "x" and c startsWith "p" and `a.b` > 2');
    expect(filterFields(ast)).toEqual([['a', 'b'], ['c'], ['tags'], ['a.b']]);
  });
});

import { describe, expect, it } from 'vitest';
import { HexbaseError } from '@hexbase/contracts';
import { parseFilter, type FilterExpression } from './index';

const eq = (field: string[], value: unknown): FilterExpression => ({ kind: 'compare', field, op: '=', value: value as never });

describe('parseFilter accepts the documented grammar', () => {
  const cases: Array<[string, FilterExpression]> = [
    ['status = "open"', eq(['status'], 'open')],
    ['price != 10', { kind: 'compare', field: ['price'], op: '!=', value: 10 }],
    ['price < 10', { kind: 'compare', field: ['price'], op: '<', value: 10 }],
    ['price <= -2.5', { kind: 'compare', field: ['price'], op: '<=', value: -2.5 }],
    ['price > 1e3', { kind: 'compare', field: ['price'], op: '>', value: 1000 }],
    ['price >= 0.25E-1', { kind: 'compare', field: ['price'], op: '>=', value: 0.025 }],
    ['price>=-0', { kind: 'compare', field: ['price'], op: '>=', value: 0 }],
    ['name < "m"', { kind: 'compare', field: ['name'], op: '<', value: 'm' }],
    ['done = true', eq(['done'], true)],
    ['done = FALSE', eq(['done'], false)],
    ['deletedAt = null', eq(['deletedAt'], null)],
    ['address.city = "Oslo"', eq(['address', 'city'], 'Oslo')],
    ['items[0].sku = "A-1"', eq(['items', '0', 'sku'], 'A-1')],
    ['matrix[1][12] = 3', eq(['matrix', '1', '12'], 3)],
    ['`content-type` = "json"', eq(['content-type'], 'json')],
    ['meta.`a b`.`x\\`y` = 1', eq(['meta', 'a b', 'x`y'], 1)],
    ['`in` = 1', eq(['in'], 1)],
    ['meta.in = 1', eq(['meta', 'in'], 1)],
    ['`` = 1', eq([''], 1)],
    ['status in ["open", "pending"]', { kind: 'in', field: ['status'], values: ['open', 'pending'], negated: false }],
    ['status not in ["done"]', { kind: 'in', field: ['status'], values: ['done'], negated: true }],
    ['n in [1, -2, null, true, "x"]', { kind: 'in', field: ['n'], values: [1, -2, null, true, 'x'], negated: false }],
    ['n in []', { kind: 'in', field: ['n'], values: [], negated: false }],
    ['tags contains "red"', { kind: 'contains', field: ['tags'], value: 'red' }],
    ['scores contains 3', { kind: 'contains', field: ['scores'], value: 3 }],
    ['name startsWith "Ab"', { kind: 'startsWith', field: ['name'], value: 'Ab' }],
    ['name STARTSWITH "Ab"', { kind: 'startsWith', field: ['name'], value: 'Ab' }],
    ['exists(address.city)', { kind: 'exists', field: ['address', 'city'] }],
    ['exists ( `a b` )', { kind: 'exists', field: ['a b'] }],
    ['not exists(deletedAt)', { kind: 'not', operand: { kind: 'exists', field: ['deletedAt'] } }],
    ['not not a = 1', { kind: 'not', operand: { kind: 'not', operand: eq(['a'], 1) } }],
    ['a = 1 and b = 2 and c = 3', { kind: 'and', operands: [eq(['a'], 1), eq(['b'], 2), eq(['c'], 3)] }],
    ['a = 1 AND b = 2 Or c = 3', { kind: 'or', operands: [{ kind: 'and', operands: [eq(['a'], 1), eq(['b'], 2)] }, eq(['c'], 3)] }],
    ['\n\t a = 1 \r\n', eq(['a'], 1)],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe('precedence: not binds tighter than and, and tighter than or', () => {
  it('reads a or b and c as a or (b and c)', () => {
    expect(parseFilter('a = 1 or b = 2 and c = 3')).toEqual({ kind: 'or', operands: [eq(['a'], 1), { kind: 'and', operands: [eq(['b'], 2), eq(['c'], 3)] }] });
  });
  it('reads not a and b as (not a) and b', () => {
    expect(parseFilter('not a = 1 and b = 2')).toEqual({ kind: 'and', operands: [{ kind: 'not', operand: eq(['a'], 1) }, eq(['b'], 2)] });
  });
  it('lets parentheses override, and keeps an explicit group of the same kind nested', () => {
    expect(parseFilter('(a = 1 or b = 2) and c = 3')).toEqual({ kind: 'and', operands: [{ kind: 'or', operands: [eq(['a'], 1), eq(['b'], 2)] }, eq(['c'], 3)] });
    expect(parseFilter('a = 1 and (b = 2 and c = 3)')).toEqual({ kind: 'and', operands: [eq(['a'], 1), { kind: 'and', operands: [eq(['b'], 2), eq(['c'], 3)] }] });
    expect(parseFilter('((a = 1))')).toEqual(eq(['a'], 1));
  });
  it('reads not (a or b) as the negation of the group', () => {
    expect(parseFilter('not (a = 1 or b = 2)')).toEqual({ kind: 'not', operand: { kind: 'or', operands: [eq(['a'], 1), eq(['b'], 2)] } });
  });
});

describe('string escapes', () => {
  it.each([
    ['"a\\"b"', 'a"b'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"\\/\\b\\f\\n\\r\\t"', '/\b\f\n\r\t'],
    ['"\\u00e9\\u00E9"', 'éé'],
    ['"\\ud83d\\ude00"', '😀'],
    ['"😀 é ü 中"', '😀 é ü 中'],
    ['"it\'s"', "it's"],
    ['"\'; DROP TABLE x; --"', "'; DROP TABLE x; --"],
  ])('%s is %j', (literal, value) => {
    expect(parseFilter(`a = ${literal}`)).toEqual(eq(['a'], value));
  });
});

function violationOf(text: string, options?: Parameters<typeof parseFilter>[1]): { field: string; rule: string; message: string } {
  try {
    parseFilter(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(HexbaseError);
    const hexbaseError = error as HexbaseError;
    expect(hexbaseError.code).toBe('INVALID_FILTER');
    expect(hexbaseError.kind).toBe('validation');
    expect(hexbaseError.violations).toHaveLength(1);
    return hexbaseError.violations[0]!;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseFilter rejects bad input with the column and what was expected', () => {
  const cases: Array<[string, string, string]> = [
    ['', 'syntax', 'At column 1: expected a filter expression, found the end of the filter'],
    ['   ', 'syntax', 'At column 4: expected a filter expression'],
    ['(a = 1', 'syntax', "At column 7: expected ')' to close the '(' at column 1, found the end of the filter"],
    ['((a = 1) or b = 2', 'syntax', "At column 18: expected ')' to close the '(' at column 1"],
    ['a = 1)', 'syntax', "At column 6: expected 'and', 'or' or the end of the filter, found ')'; this ')' has no matching '('"],
    ['a = "open', 'syntax', 'At column 5: unterminated string, expected a closing "'],
    ['`a = 1', 'syntax', 'At column 1: unterminated quoted field name, expected a closing `'],
    ['a == 1', 'syntax', "At column 3: unknown operator '==', use '=' for equality"],
    ['a <> 1', 'syntax', "At column 3: unknown operator '<>', use '!=' for inequality"],
    ['!a', 'syntax', "At column 1: unknown operator '!'"],
    ['a ~ 1', 'syntax', 'At column 3: unexpected character "~"'],
    ['a = 1 && b = 2', 'syntax', "At column 7: unexpected character &, use 'and' / 'or'"],
    ["a = 'x'", 'syntax', 'At column 5: unexpected character \', strings use double quotes ("...")'],
    ['a like "x"', 'syntax', "At column 3: expected an operator (=, !=, <, <=, >, >=, in, not in, contains, startsWith) after the field, found 'like'"],
    ['a', 'syntax', 'At column 2: expected an operator'],
    ['a =', 'syntax', 'At column 4: expected a value (a "string", a number, true, false or null), found the end of the filter'],
    ['a = open', 'syntax', 'At column 5: expected a value (a "string", a number, true, false or null), found \'open\'; strings need double quotes, as in "open"'],
    ['a = 1 b = 2', 'syntax', "At column 7: expected 'and', 'or' or the end of the filter, found 'b'"],
    ['a = 1 and', 'syntax', 'At column 10: expected a field name, found the end of the filter'],
    ['and = 1', 'syntax', "At column 1: expected a field name, found 'and'; 'and' is a keyword, write `and` for a field of that name"],
    ['= 1', 'syntax', "At column 1: expected a field name, found '='"],
    ['a. = 1', 'syntax', "At column 4: expected a field name, found '='"],
    ['a.0 = 1', 'syntax', 'At column 3: expected a field name, found the number 0; write items[0] for an array position'],
    ['a[-1] = 1', 'syntax', 'At column 3: expected an array position (0, 1, 2, ...), found the number -1'],
    ['a[x] = 1', 'syntax', "At column 3: expected an array position (0, 1, 2, ...), found 'x'"],
    ['a[0 = 1', 'syntax', "At column 5: expected ']' after the array position, found '='"],
    ['a in 1', 'syntax', "At column 6: expected '[' to start the list of values, found the number 1"],
    ['a in [1 2]', 'syntax', "At column 9: expected ',' or ']' in the list, found the number 2"],
    ['a in [1,]', 'syntax', "At column 9: expected a value"],
    ['a not like 1', 'syntax', "At column 7: expected 'in' after 'not', found 'like'"],
    ['exists(a = 1', 'syntax', "At column 10: expected ')' after the field of exists(, found '='"],
    ['a = 01', 'syntax', 'At column 5: malformed number'],
    ['a = 1.', 'syntax', 'At column 5: malformed number'],
    ['a = 1x', 'syntax', 'At column 5: malformed number'],
    ['a = -x', 'syntax', "At column 5: expected a number after '-'"],
    ['a = 1e999', 'syntax', 'At column 5: the number is too large'],
    ['a = "\\x"', 'syntax', "At column 6: unknown escape '\\x'"],
    ['a = "\\u12"', 'syntax', 'At column 6: malformed escape, \\u needs exactly four hexadecimal digits'],
    ['a = "\\u0000"', 'syntax', 'At column 6: the NUL character (\\u0000) is not allowed in text'],
    ['a = "\\ud83d"', 'syntax', 'At column 6: unpaired surrogate escape'],
    ['a = "\\ude00"', 'syntax', 'At column 6: unpaired surrogate escape'],
    ['a = "line\nbreak"', 'syntax', 'At column 10: control character U+000A in a string'],
    ['😀 = 1', 'syntax', 'At column 1: unexpected character "😀"'],
    ['`😀` = "😀" x', 'syntax', 'At column 11: expected'],
    ['a < true', 'type', "At column 5: '<' compares numbers or strings, found true"],
    ['a >= null', 'type', "At column 6: '>=' compares numbers or strings, found null"],
    ['a startsWith 1', 'type', 'At column 14: startsWith needs a string, found 1'],
  ];
  it.each(cases)('%j: %s', (text, rule, message) => {
    const violation = violationOf(text);
    expect(violation.field).toBe('filter');
    expect(violation.rule).toBe(rule);
    expect(violation.message).toContain(message);
  });

  it('names the caller-supplied parameter in the violation', () => {
    expect(violationOf('a =', { parameter: '/query/filter' }).field).toBe('/query/filter');
  });
});

describe('limits', () => {
  it('rejects a filter longer than maxLength UTF-8 bytes (4096 by default)', () => {
    const longest = `a = "${'x'.repeat(4096 - 6)}"`;
    expect(parseFilter(longest)).toEqual(eq(['a'], 'x'.repeat(4090)));
    expect(violationOf(`a = "${'x'.repeat(4091)}"`)).toEqual({ field: 'filter', rule: 'max_length', message: 'The filter is 4097 bytes long; at most 4096 bytes are allowed' });
    expect(violationOf('a = "éé"', { maxLength: 9 }).rule).toBe('max_length');
    expect(parseFilter('a = "éé"', { maxLength: 10 })).toEqual(eq(['a'], 'éé'));
  });

  it('rejects nesting deeper than maxDepth (32 by default) before it can exhaust the stack', () => {
    expect(parseFilter(`${'('.repeat(32)}a = 1${')'.repeat(32)}`)).toEqual(eq(['a'], 1));
    expect(violationOf(`${'('.repeat(33)}a = 1${')'.repeat(33)}`)).toEqual({
      field: 'filter',
      rule: 'max_depth',
      message: "At column 33: parentheses and 'not' may nest at most 32 levels deep",
    });
    expect(violationOf(`${'not '.repeat(4)}a = 1`, { maxDepth: 3 }).rule).toBe('max_depth');
    expect(violationOf('('.repeat(2000), { maxLength: 100_000 }).rule).toBe('max_depth');
  });

  it('rejects an in list longer than maxListSize (1000 by default)', () => {
    const list = (size: number): string => `n in [${Array.from({ length: size }, (_, index) => index).join(',')}]`;
    expect(parseFilter(list(1000))).toMatchObject({ kind: 'in' });
    const violation = violationOf(list(1001));
    expect(violation.rule).toBe('max_list_size');
    expect(violation.message).toBe(`At column ${list(1000).length + 1}: a list may hold at most 1000 values`);
    expect(violationOf('n in [1, 2, 3]', { maxListSize: 2 }).message).toBe('At column 13: a list may hold at most 2 values');
  });
});

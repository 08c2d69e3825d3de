import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HexbaseError } from '@hexbase/contracts';
import { compileFilterToSql, jsonFieldSqlExpression, parseFilter, type CompileFilterOptions } from './index';
import { filterArbitrary } from './filter-arbitraries';

const options: CompileFilterOptions = {
  jsonColumn: 'r.data',
  firstParameterIndex: 3,
  columns: {
    id: { sql: 'r.id', type: 'uuid' },
    version: { sql: 'r.version', type: 'integer' },
    createdAt: { sql: 'r.created_at', type: 'timestamptz' },
    title: { sql: 'r.title', type: 'text' },
  },
};
const compile = (filter: string, overrides: Partial<CompileFilterOptions> = {}): { sql: string; params: unknown[] } =>
  compileFilterToSql(parseFilter(filter), { ...options, ...overrides });

describe('compileFilterToSql', () => {
  it.each([
    ['status = "open"', '(r.data) @> $3::jsonb', ['{"status":"open"}']],
    ['address.city = "Oslo"', '(r.data) @> $3::jsonb', ['{"address":{"city":"Oslo"}}']],
    ['status != "open"', '((r.data) @> $3::jsonb) IS NOT TRUE', ['{"status":"open"}']],
    ['status in ["a", null]', '(r.data) @> ANY($3::jsonb[])', [['{"status":"a"}', '{"status":null}']]],
    ['tags contains 3', '(r.data) @> $3::jsonb', ['{"tags":[3]}']],
    ['price >= 10', `(CASE WHEN jsonb_typeof((r.data)->'price') = 'number' THEN ((r.data)->>'price')::numeric END) >= $3::numeric`, [10]],
    ['a.b < "m"', `((CASE WHEN jsonb_typeof((r.data)->'a'->'b') = 'string' THEN (r.data)->'a'->>'b' END) COLLATE "C") < $3::text`, ['m']],
    ['exists(a.b)', `((r.data)->'a'->'b') IS NOT NULL`, []],
    ['`a b`.c > 1', `(CASE WHEN jsonb_typeof((r.data) #> $3::text[]) = 'number' THEN ((r.data) #>> $3::text[])::numeric END) > $4::numeric`, [['a b', 'c'], 1]],
    ['items[0].sku = "x"', '((r.data) #> $3::text[]) = $4::jsonb', [['items', '0', 'sku'], '"x"']],
    ['id = "0190C2B2-8A4E-7CC0-9D6A-5B3F1E2D4C5A"', '(r.id) = $3::uuid', ['0190c2b2-8a4e-7cc0-9d6a-5b3f1e2d4c5a']],
    ['version > 2', '(r.version) > $3::bigint', [2]],
    ['version > 2.5', '(r.version) > $3::numeric', [2.5]],
    ['createdAt >= "2024-05-01"', '(r.created_at) >= $3::timestamptz', ['2024-05-01T00:00:00.000000+00:00']],
    ['createdAt < "2024-05-01T12:30:00.25-02:30"', '(r.created_at) < $3::timestamptz', ['2024-05-01T12:30:00.250000-02:30']],
    ['createdAt = null', '(r.created_at) IS NULL', []],
    ['createdAt != null', '((r.created_at) IS NULL) IS NOT TRUE', []],
    ['title < "b"', '(r.title) COLLATE "C" < $3::text', ['b']],
    ['title contains "x"', '(r.title) LIKE $3::text', ['%x%']],
    ['title contains "50%_\\\\"', '(r.title) LIKE $3::text', ['%50\\%\\_\\\\%']],
    ['a contains "x"', `((r.data) @> $3::jsonb OR ((CASE WHEN jsonb_typeof((r.data)->'a') = 'string' THEN (r.data)->>'a' END) COLLATE "C") LIKE $4::text)`, ['{"a":["x"]}', '%x%']],
    ['version in [1, null]', '((r.version) = ANY($3::bigint[]) OR (r.version) IS NULL)', [[1]]],
    ['n in []', 'FALSE', []],
    ['not (a = 1 or not b = 2)', '(((r.data) @> $3::jsonb) IS NOT TRUE AND (r.data) @> $4::jsonb)', ['{"a":1}', '{"b":2}']],
  ])('%s', (filter, sql, params) => {
    expect(compile(filter)).toEqual({ sql, params });
  });

  it('numbers placeholders from firstParameterIndex and passes an unusual path once per predicate', () => {
    expect(compile('items[0] contains "x" and b = 1', { firstParameterIndex: 1 })).toEqual({
      sql:
        "(((jsonb_typeof(((r.data) #> $1::text[])) = 'array' AND ((r.data) #> $1::text[]) @> $2::jsonb) OR " +
        '((CASE WHEN jsonb_typeof((r.data) #> $1::text[]) = \'string\' THEN (r.data) #>> $1::text[] END) COLLATE "C") LIKE $3::text) AND (r.data) @> $4::jsonb)',
      params: [['items', '0'], '["x"]', '%x%', '{"b":1}'],
    });
  });

  it('never writes a value, or a key that is not a plain identifier, into the SQL', () => {
    fc.assert(
      fc.property(filterArbitrary, (ast) => {
        const { sql, params } = compileFilterToSql(ast, { jsonColumn: 'r.data', firstParameterIndex: 1 });
        const literals = sql.replace(/'(number|string|array)'/g, '').match(/'[^']*'/g) ?? [];
        for (const literal of literals) expect(literal).toMatch(/^'[A-Za-z_][A-Za-z0-9_]{0,62}'$/);
        expect(sql).not.toMatch(/--|;|\/\*/);
        const placeholders = new Set([...sql.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
        expect([...placeholders].sort((left, right) => left - right)).toEqual(params.map((_, index) => index + 1));
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('refuses a field allowedFields does not allow, naming the field', () => {
    const allowedFields = (path: string[]): boolean => path.join('.') === 'status';
    expect(compile('status = "x"', { allowedFields }).params).toEqual(['{"status":"x"}']);
    expect(() => compile('status = "x" or `a b`.c = 1', { allowedFields, parameter: '/query/filter' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_FILTER',
        violations: [{ field: '/query/filter', rule: 'unknown_field', message: 'The field `a b`.c cannot be used in this filter' }],
      }),
    );
  });

  it.each([
    ['createdAt > "last week"', 'The field createdAt needs an ISO 8601 timestamp string'],
    ['createdAt > "2024-02-30"', 'The field createdAt needs an ISO 8601 timestamp string'],
    ['createdAt > "2024-05-01T10:00:00.1234567Z"', 'The field createdAt needs an ISO 8601 timestamp string'],
    ['createdAt > 5', 'The field createdAt needs an ISO 8601 timestamp string'],
    ['version = "3"', 'The field version needs a number, found "3"'],
    ['id in ["x"]', 'The field id needs a UUID string'],
    ['title = true', 'The field title needs a string, found true'],
    ['version contains 1', 'contains needs a text field; version is integer'],
    ['title startsWith "a" and title contains 1', 'contains on title needs a string, found 1'],
  ])('refuses a literal that cannot have the column type: %s', (filter, message) => {
    try {
      compile(filter);
      throw new Error('expected a type error');
    } catch (error) {
      expect(error).toBeInstanceOf(HexbaseError);
      expect((error as HexbaseError).violations[0]).toMatchObject({ field: 'filter', rule: 'type' });
      expect((error as HexbaseError).violations[0]!.message).toContain(message);
    }
  });

  it('treats a key that is not an own entry of columns as a JSON field', () => {
    expect(compile('toString = 1').sql).toBe('(r.data) @> $3::jsonb');
  });
});

describe('jsonFieldSqlExpression', () => {
  it('writes validated keys literally, in the exact form the compiler emits', () => {
    expect(jsonFieldSqlExpression('data', ['a', 'b'])).toBe(`((data)->'a'->'b')`);
    expect(jsonFieldSqlExpression('data', ['price'], 'numeric')).toBe(`(CASE WHEN jsonb_typeof((data)->'price') = 'number' THEN ((data)->>'price')::numeric END)`);
    expect(compile('price > 1', { jsonColumn: 'data' }).sql).toContain(jsonFieldSqlExpression('data', ['price'], 'numeric'));
    expect(compile('name startsWith "a"', { jsonColumn: 'data' }).sql).toContain(jsonFieldSqlExpression('data', ['name'], 'text'));
  });

  it.each([["it's"], ['a b'], ['0'], [''], ['x'.repeat(64)], ['é'], ["a'; DROP TABLE t; --"]])('refuses the key %j', (key) => {
    expect(() => jsonFieldSqlExpression('data', ['ok', key])).toThrow(TypeError);
  });

  it('refuses an empty path', () => {
    expect(() => jsonFieldSqlExpression('data', [])).toThrow(TypeError);
  });
});

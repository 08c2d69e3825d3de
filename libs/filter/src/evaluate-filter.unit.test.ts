import { describe, expect, it } from 'vitest';
import { evaluateFilter, parseFilter, type EvaluateFilterOptions } from './index';
import { documentedSemantics } from './docs-examples';

describe('evaluateFilter semantics', () => {
  it.each(documentedSemantics())('docs/filters.md: %s on %j matches: %s', (filter, document, expected) => {
    expect(evaluateFilter(parseFilter(filter), document)).toBe(expected);
  });

  it('never throws, whatever the document', () => {
    const filter = parseFilter('a.b > 1 or a contains "x" or a[0] startsWith "y" or exists(a.b.c) or a in [1]');
    for (const document of [null, undefined, 42, 'text', [], [1, 2], { a: null }, { a: { b: [] } }, { a: Object.create(null) }]) {
      expect(evaluateFilter(filter, document)).toBe(false);
    }
  });

  it('reads only own properties, never the prototype chain', () => {
    expect(evaluateFilter(parseFilter('exists(constructor) or exists(a.toString) or exists(`__proto__`)'), { a: {} })).toBe(false);
    expect(evaluateFilter(parseFilter('`__proto__`.x = 1'), JSON.parse('{"__proto__": {"x": 1}}'))).toBe(true);
  });

  it('treats an undefined property as missing, as JSON.stringify would drop it', () => {
    expect(evaluateFilter(parseFilter('exists(a)'), { a: undefined })).toBe(false);
    expect(evaluateFilter(parseFilter('a = null'), { a: undefined })).toBe(false);
  });
});

describe('system fields', () => {
  const record = {
    id: '0190C2B2-8A4E-7CC0-9D6A-5B3F1E2D4C5A',
    version: 3,
    createdAt: new Date('2024-05-01T10:00:00.000Z'),
    deletedAt: null,
    title: 'Hello',
    data: { status: 'open', createdAt: 'not the column' },
  };
  const options: EvaluateFilterOptions = {
    systemFields: {
      id: { type: 'uuid', read: (document) => (document as typeof record).id },
      version: { type: 'integer', read: (document) => (document as typeof record).version },
      createdAt: { type: 'timestamptz', read: (document) => (document as typeof record).createdAt },
      deletedAt: { type: 'timestamptz', read: (document) => (document as typeof record).deletedAt },
      title: { type: 'text', read: (document) => (document as typeof record).title },
      status: (document) => (document as typeof record).data.status,
    },
  };
  const matches = (filter: string): boolean => evaluateFilter(parseFilter(filter), record, options);

  it.each([
    ['id = "0190c2b2-8a4e-7cc0-9d6a-5b3f1e2d4c5a"', true],
    ['id in ["0190C2B2-8A4E-7CC0-9D6A-5B3F1E2D4C5A"]', true],
    ['id > "0190c2b2-0000-0000-0000-000000000000"', true],
    ['id = "not-a-uuid"', false],
    ['version = 3', true],
    ['version > 2.5', true],
    ['version in [1, 3]', true],
    ['version = "3"', false],
    ['createdAt = "2024-05-01T12:00:00+02:00"', true],
    ['createdAt > "2024-05-01"', true],
    ['createdAt < "2024-05-01T10:00:00.000001Z"', true],
    ['createdAt >= "2024-05-01 10:00:00.000001Z"', false],
    ['createdAt < "2024-05-01T10:00"', false],
    ['createdAt = "yesterday"', false],
    ['exists(createdAt)', true],
    ['exists(deletedAt)', false],
    ['deletedAt = null', true],
    ['deletedAt != null', false],
    ['deletedAt in [null, "2024-01-01"]', true],
    ['deletedAt < "2100-01-01"', false],
    ['not deletedAt < "2100-01-01"', true],
    ['title contains "ell"', true],
    ['title startsWith "He"', true],
    ['title startsWith "he"', false],
    ['title > "HELLO"', true],
    ['status = "open"', true],
    ['status startsWith "op"', true],
    ['data.createdAt = "not the column"', true],
  ])('%s is %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('uses a system field only for a one-segment path, and only an own entry of systemFields', () => {
    expect(evaluateFilter(parseFilter('exists(toString)'), {}, { systemFields: {} })).toBe(false);
    expect(evaluateFilter(parseFilter('version.x = 1'), { version: { x: 1 } }, options)).toBe(true);
  });

  it('accepts the forms drivers return: numeric strings, bigints, ISO strings', () => {
    const typed = (type: 'numeric' | 'timestamptz', value: unknown): EvaluateFilterOptions => ({ systemFields: { f: { type, read: () => value } } });
    expect(evaluateFilter(parseFilter('f = 12.5'), {}, typed('numeric', '12.50'))).toBe(true);
    expect(evaluateFilter(parseFilter('f > 1'), {}, typed('numeric', 2n))).toBe(true);
    expect(evaluateFilter(parseFilter('f = "2024-05-01T10:00:00.123456Z"'), {}, typed('timestamptz', '2024-05-01 12:00:00.123456+02'))).toBe(true);
    expect(evaluateFilter(parseFilter('exists(f)'), {}, typed('timestamptz', new Date(Number.NaN)))).toBe(false);
  });
});

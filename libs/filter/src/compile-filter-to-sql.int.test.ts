import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { documentedSemantics } from './docs-examples';
import { documentArbitrary, filterArbitraryOf, jsonPredicateArbitrary, stringArbitrary } from './filter-arbitraries';
import {
  compileFilterToSql,
  evaluateFilter,
  formatFieldPath,
  jsonFieldSqlExpression,
  parseFilter,
  type ComparisonOperator,
  type EvaluateFilterOptions,
  type FilterExpression,
  type SqlColumn,
} from './index';
import { parseIsoTimestamp } from './iso-timestamp';

/** One row of the test table: a JSON document next to typed columns, as records keep them. */
interface Row {
  id: number;
  /** `undefined` stores SQL NULL in the jsonb column. */
  data: unknown;
  uid: string | null;
  version: number | null;
  createdAt: string | null;
  label: string | null;
}

const COLUMNS: Record<string, SqlColumn> = {
  uid: { sql: 'd.uid', type: 'uuid' },
  version: { sql: 'd.version', type: 'integer' },
  createdAt: { sql: 'd.created_at', type: 'timestamptz' },
  label: { sql: 'd.label', type: 'text' },
};

/** The in-memory twin of COLUMNS: each system field read from the row, with the column's type. */
function systemFieldsFor(row: Row): EvaluateFilterOptions {
  return {
    systemFields: {
      uid: { type: 'uuid', read: () => row.uid },
      version: { type: 'integer', read: () => row.version },
      createdAt: { type: 'timestamptz', read: () => row.createdAt },
      label: { type: 'text', read: () => row.label },
    },
  };
}

const UUIDS = ['0190c2b2-8a4e-7cc0-9d6a-5b3f1e2d4c5a', '0190C2B2-8A4E-7CC0-9D6A-5B3F1E2D4C5B', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-0000-0000-000000000000'];
const TIMESTAMPS = [
  '2024-05-01',
  '2024-05-01T10:00:00Z',
  '2024-05-01T12:00:00+02:00',
  '2024-05-01T10:00:00.000001Z',
  '2024-05-01 09:59:59.999999+00',
  '2024-04-30T23:30:00-10:30',
  '1999-12-31T23:59:59Z',
  '0001-01-01T00:00:00+14:00',
  '2024-02-29T12:00',
];
const VERSIONS = [-1, 0, 1, 2, 2.5, 3, 10];
const ORDERING: ComparisonOperator[] = ['=', '!=', '<', '<=', '>', '>='];

/** Predicates on the typed columns, with literals of the right type (others are refused at compile time). */
function columnPredicateArbitrary(field: string, literal: fc.Arbitrary<string | number>): fc.Arbitrary<FilterExpression> {
  const path = fc.constant<string[]>([field]);
  return fc.oneof<fc.Arbitrary<FilterExpression>[]>(
    fc.record({ kind: fc.constant('compare' as const), field: path, op: fc.constantFrom(...ORDERING), value: literal }),
    fc.record({ kind: fc.constant('compare' as const), field: path, op: fc.constantFrom<ComparisonOperator>('=', '!='), value: fc.constant(null) }),
    fc.record({ kind: fc.constant('in' as const), field: path, values: fc.array(fc.option(literal, { nil: null }), { maxLength: 3 }), negated: fc.boolean() }),
    fc.record({ kind: fc.constant('exists' as const), field: path }),
  );
}

const labelPredicateArbitrary: fc.Arbitrary<FilterExpression> = fc.oneof(
  columnPredicateArbitrary('label', stringArbitrary),
  fc.record({ kind: fc.constantFrom('contains' as const, 'startsWith' as const), field: fc.constant<string[]>(['label']), value: stringArbitrary }),
);

const rowFilterArbitrary = filterArbitraryOf(
  fc.oneof(
    { weight: 6, arbitrary: jsonPredicateArbitrary },
    { weight: 1, arbitrary: columnPredicateArbitrary('uid', fc.constantFrom(...UUIDS)) },
    { weight: 1, arbitrary: columnPredicateArbitrary('version', fc.constantFrom(...VERSIONS)) },
    { weight: 1, arbitrary: columnPredicateArbitrary('createdAt', fc.constantFrom(...TIMESTAMPS)) },
    { weight: 1, arbitrary: labelPredicateArbitrary },
  ),
);

const ODD_DOCUMENTS: unknown[] = [undefined, null, [], [{ a: 1 }], 5, 'a', { a: [1, [2]], b: { '0': 1, '1': [3] } }, { tags: [['a']], price: '10' }];

function rowsFrom(documents: unknown[]): Row[] {
  const columnValues = fc.sample(
    fc.record({
      uid: fc.option(fc.constantFrom(...UUIDS), { nil: null }),
      version: fc.option(fc.integer({ min: -1, max: 10 }), { nil: null }),
      createdAt: fc.option(fc.constantFrom(...TIMESTAMPS), { nil: null }),
      label: fc.option(stringArbitrary, { nil: null }),
    }),
    { seed: 11, numRuns: documents.length },
  );
  return documents.map((data, index) => ({ id: index + 1, data, ...columnValues[index]! }));
}

describe('compileFilterToSql against PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let client: pg.Client;
  let rows: Row[];

  const selectIds = async (filter: FilterExpression): Promise<number[]> => {
    const { sql, params } = compileFilterToSql(filter, { jsonColumn: 'd.data', columns: COLUMNS, firstParameterIndex: 1 });
    const result = await client.query<{ id: number }>(`SELECT id FROM docs d WHERE ${sql} ORDER BY id`, params);
    return result.rows.map((row) => row.id);
  };
  const expectedIds = (filter: FilterExpression): number[] =>
    rows.filter((row) => evaluateFilter(filter, row.data === undefined ? null : row.data, systemFieldsFor(row))).map((row) => row.id);

  beforeAll(async () => {
    database = await createTestDatabase(testServers().databaseUrl, 'filter');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // A session time zone far from UTC: filters must not depend on it.
    await client.query("SET TIME ZONE 'Pacific/Chatham'");
    await client.query('CREATE TABLE docs (id integer PRIMARY KEY, data jsonb, uid uuid, version integer, created_at timestamptz, label text)');
    const documents = [...fc.sample(documentArbitrary, { seed: 20240501, numRuns: 300 }), ...documentedSemantics().map(([, document]) => document), ...ODD_DOCUMENTS];
    rows = rowsFrom(documents);
    for (const row of rows) {
      await client.query('INSERT INTO docs (id, data, uid, version, created_at, label) VALUES ($1, $2::jsonb, $3, $4, $5::timestamptz, $6)', [
        row.id,
        row.data === undefined ? null : JSON.stringify(row.data),
        row.uid,
        row.version,
        row.createdAt === null ? null : parseIsoTimestamp(row.createdAt)!.text,
        row.label,
      ]);
    }
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('selects exactly the rows evaluateFilter accepts, for random filters and documents', async () => {
    await fc.assert(
      fc.asyncProperty(rowFilterArbitrary, async (filter) => {
        expect(await selectIds(filter)).toEqual(expectedIds(filter));
      }),
      { seed: 1337, numRuns: 600 },
    );
  });

  it.each(documentedSemantics())('agrees with docs/filters.md: %s on %j matches: %s', async (filter, document, matches) => {
    const ast = parseFilter(filter);
    const id = rows.find((row) => JSON.stringify(row.data) === JSON.stringify(document))!.id;
    expect((await selectIds(ast)).includes(id)).toBe(matches);
  });

  it('reads array positions exactly as PostgreSQL does', async () => {
    await client.query(`INSERT INTO docs (id, data) VALUES (10003, '{"a": [10, 20, 30], "o": {"0": 1, "-1": 2}}')`);
    const segments = ['0', '1', '2', '3', '-0', '-1', '-3', '-4', '01', '+1', ' 1', '\t2', '1 ', '0x1', '１', '1.0', '2147483648', '-2147483648', '99999999999999999999'];
    for (const container of ['a', 'o']) {
      for (const segment of segments) {
        const document = { a: [10, 20, 30], o: { '0': 1, '-1': 2 } };
        for (const filter of [
          { kind: 'exists', field: [container, segment] },
          { kind: 'in', field: [container, segment], values: [1, 2, 10, 20, 30], negated: false },
        ] as FilterExpression[]) {
          const matched = (await selectIds(filter)).includes(10003);
          expect({ filter, matched }).toEqual({ filter, matched: evaluateFilter(filter, document) });
        }
      }
    }
    await client.query('DELETE FROM docs WHERE id = 10003');
  });

  describe('injection attempts are data', () => {
    const attacks = ["'; DROP TABLE docs; --", '") or 1=1 --', "' OR '1'='1", '\\\'; DELETE FROM docs; --', '$1', '{a,b}', 'x\'::text; --', '*/ SELECT 1; /*'];

    it.each(attacks)('as a value: %s', async (attack) => {
      await client.query('INSERT INTO docs (id, data) VALUES (10001, $1::jsonb) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data', [JSON.stringify({ note: attack, list: [attack] })]);
      const filter = (text: string): FilterExpression => parseFilter(text);
      const literal = JSON.stringify(attack);
      expect(await selectIds(filter(`note = ${literal}`))).toEqual([10001]);
      expect(await selectIds(filter(`note startsWith ${literal} and note contains ${literal} and list contains ${literal} and note >= ${literal}`))).toEqual([10001]);
      expect(await selectIds(filter(`note in [${literal}, "x"] and note != "other"`))).toEqual([10001]);
      await expectTableIntact();
    });

    it.each(attacks)('as a field name: %s', async (attack) => {
      await client.query('INSERT INTO docs (id, data) VALUES (10002, $1::jsonb) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data', [JSON.stringify({ [attack]: { [attack]: 5 } })]);
      const field: string[] = [attack, attack];
      const ids = async (filter: FilterExpression): Promise<number[]> => (await selectIds(filter)).filter((id) => id === 10002);
      expect(await ids({ kind: 'compare', field, op: '=', value: 5 })).toEqual([10002]);
      expect(await ids({ kind: 'compare', field, op: '>', value: 4 })).toEqual([10002]);
      expect(await ids({ kind: 'exists', field })).toEqual([10002]);
      expect(await ids(parseFilter(`${formatFieldPath(field)} in [5] and ${formatFieldPath(field)} != 6`))).toEqual([10002]);
      expect(await ids({ kind: 'in', field: [attack, attack, '0'], values: [5], negated: false })).toEqual([]);
      await expectTableIntact();
    });

    const expectTableIntact = async (): Promise<void> => {
      const { rows: count } = await client.query<{ count: string }>('SELECT count(*) FROM docs WHERE id <= $1', [rows.length]);
      expect(Number(count[0]!.count)).toBe(rows.length);
    };
  });
});

describe('compiled filters use indexes', () => {
  let database: { url: string; drop(): Promise<void> };
  let client: pg.Client;
  let trigramsAvailable = false;
  const explain = async (filter: string): Promise<string> => {
    const { sql, params } = compileFilterToSql(parseFilter(filter), { jsonColumn: 'd.data', firstParameterIndex: 1 });
    const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM items d WHERE ${sql}`, params);
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  };

  beforeAll(async () => {
    database = await createTestDatabase(testServers().databaseUrl, 'filter_plans');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('CREATE TABLE items (id integer PRIMARY KEY, data jsonb NOT NULL)');
    await client.query(`
      INSERT INTO items (id, data)
      SELECT n, jsonb_build_object(
        'status', (ARRAY['open', 'closed', 'pending'])[n % 3 + 1], 'price', n % 500, 'name', 'item ' || n,
        'sizes', jsonb_build_array(n % 40), 'tags', jsonb_build_array('t' || (n % 50)))
      FROM generate_series(1, 5000) AS n`);
    await client.query('CREATE INDEX items_data_gin ON items USING gin (data jsonb_path_ops)');
    await client.query(`CREATE INDEX items_price ON items (${jsonFieldSqlExpression('data', ['price'], 'numeric')})`);
    await client.query(`CREATE INDEX items_name ON items (${jsonFieldSqlExpression('data', ['name'], 'text')})`);
    const { rows } = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'");
    trigramsAvailable = rows.length > 0;
    if (trigramsAvailable) {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      await client.query(`CREATE INDEX items_tags_trigrams ON items USING gin ((${jsonFieldSqlExpression('data', ['tags'], 'text')}) gin_trgm_ops)`);
    }
    await client.query('ANALYZE items');
    await client.query('SET enable_seqscan = off');
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('uses the jsonb_path_ops GIN index for equality, in and contains on an array', async () => {
    expect(await explain('status = "pending"')).toContain('Bitmap Index Scan on items_data_gin');
    expect(await explain('status in ["open", "pending"]')).toContain('Bitmap Index Scan on items_data_gin');
    expect(await explain('sizes contains 7')).toContain('Bitmap Index Scan on items_data_gin');
  });

  it('uses the GIN index together with a trigram index for contains with a string', async (context) => {
    if (!trigramsAvailable) context.skip();
    const plan = await explain('tags contains "t7"');
    expect(plan).toContain('BitmapOr');
    expect(plan).toContain('Bitmap Index Scan on items_data_gin');
    expect(plan).toContain('Bitmap Index Scan on items_tags_trigrams');
  });

  it('uses an expression index made with jsonFieldSqlExpression for a numeric range', async () => {
    expect(await explain('price >= 10 and price < 20')).toMatch(/Index Scan on items_price|Index Scan using items_price/);
  });

  it('uses a text expression index for string ordering and startsWith', async () => {
    expect(await explain('name >= "item 10" and name < "item 11"')).toMatch(/Index Scan on items_name|Index Scan using items_name/);
    expect(await explain('name startsWith "item 12"')).toMatch(/Index Scan on items_name|Index Scan using items_name/);
  });

  it('still answers correctly through the indexes', async () => {
    const { sql, params } = compileFilterToSql(parseFilter('price >= 10 and price < 20 and status = "open"'), { jsonColumn: 'd.data', firstParameterIndex: 1 });
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) FROM items d WHERE ${sql}`, params);
    // price = n % 500 in [10, 20) and n % 3 = 0: 10 prices x 10 cycles of 500, a third of them.
    const expected = Array.from({ length: 5000 }, (_, index) => index + 1).filter((n) => n % 500 >= 10 && n % 500 < 20 && n % 3 === 0).length;
    expect(Number(rows[0]!.count)).toBe(expected);
  });
});

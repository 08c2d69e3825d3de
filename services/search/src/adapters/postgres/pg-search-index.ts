import type pg from 'pg';
import { indexedDocument } from '../../domain/indexed-document';
import { MARK_END, MARK_START, markedAsHtml, openingWords, searchableFieldsOf } from '../../domain/highlight';
import { classWeights, type SearchSettings } from '../../domain/index-settings';
import type { FacetCount, FacetResult, SearchHit, SearchIndex, SearchRequest } from '../../application/ports';
import { escapeLike, planQuery, type QueryPlan } from './pg-query-plan';
import type { SqlClient } from './pg-documents';
import { inTransaction } from '@hexbase/db';

/** Values shown per facet, most frequent first. */
export const FACET_VALUES_SHOWN = 20;
const SNIPPET_WORDS = 24;
const FIELD_MARKS = `HighlightAll=true, StartSel=${MARK_START}, StopSel=${MARK_END}`;
const SNIPPET_MARKS = `MaxFragments=2, MaxWords=${SNIPPET_WORDS}, MinWords=8, FragmentDelimiter=" … ", StartSel=${MARK_START}, StopSel=${MARK_END}`;

/** Every read of a search sees one snapshot: the generation it starts on stays readable until it ends. */
const SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/** Searching the PostgreSQL index (schema `search`): full-text with weighted vectors, trigram typo tolerance, facets from jsonb. */
export function createPgSearchIndex(pool: pg.Pool): SearchIndex {
  return {
    async stateOf(tenantId, collection) {
      const { rows } = await pool.query<{ generation: number; settings: SearchSettings | null; settings_version: number }>(
        `SELECT i.active_generation AS generation, g.settings, g.settings_version FROM indexes i
           JOIN generations g ON g.tenant_id = i.tenant_id AND g.collection = i.collection AND g.generation = i.active_generation
          WHERE i.tenant_id = $1 AND i.collection = $2`,
        [tenantId, collection],
      );
      const row = rows[0];
      return row ? { generation: row.generation, settings: row.settings, settingsVersion: row.settings_version } : undefined;
    },

    async indexedVersion(tenantId, collection, recordId) {
      const { rows } = await pool.query<{ version: number }>(
        `SELECT d.version FROM indexes i JOIN documents d ON d.tenant_id = i.tenant_id AND d.collection = i.collection AND d.generation = i.active_generation
          WHERE i.tenant_id = $1 AND i.collection = $2 AND d.record_id = $3`,
        [tenantId, collection, recordId],
      );
      return rows[0]?.version ?? 0;
    },

    search: (request) =>
      inTransaction(
        pool,
        async (client) => {
          const plan = await planQuery(client, request);
          const page = await searchPage(client, plan, request);
          const total = page.rows[0]?.total ?? (request.offset > 0 ? await countHits(client, plan) : 0);
          const hits: SearchHit[] = page.rows.map((row) => ({ id: row.record_id, version: row.version, score: row.score, data: row.data }));
          if (request.highlight) await highlight(client, plan, hits);
          const facets = request.facets.length > 0 ? await countFacets(client, plan, request.facets) : {};
          return { hits, total: Number(total), facets, corrections: plan.corrections };
        },
        SNAPSHOT,
      ),

    facetValues: (request) =>
      inTransaction(
        pool,
        async (client) => {
          const plan = await planQuery(client, request);
          const params = [...plan.params, request.field, request.prefix === '' ? '%' : `${escapeLike(request.prefix)}%`, `% ${escapeLike(request.prefix)}%`, request.limit];
          const n = plan.params.length;
          const { rows } = await client.query<{ value: FacetCount['value']; count: number }>(
            `SELECT v.value, count(*)::int AS count
               FROM documents d CROSS JOIN jsonb_array_elements(d.facets -> $${n + 1}::text) AS v(value)
              WHERE ${plan.where.join(' AND ')}
                AND (lower(v.value #>> '{}') LIKE $${n + 2} OR lower(v.value #>> '{}') LIKE $${n + 3})
              GROUP BY v.value ORDER BY count(*) DESC, v.value LIMIT $${n + 4}`,
            params,
          );
          return rows;
        },
        SNAPSHOT,
      ),
  };
}

interface HitRow {
  record_id: string;
  version: number;
  data: Record<string, unknown>;
  score: number;
  total: string;
}

/** The SQL of one page of hits, with its total: what a search costs in PostgreSQL once planned. */
export function pageQuery(plan: QueryPlan, request: Pick<SearchRequest, 'sort' | 'limit' | 'offset'>): { text: string; values: unknown[] } {
  const values = [...plan.params];
  let score = '0::float4';
  if (plan.tsqueryParam) {
    const weights = classWeights(plan.settings);
    values.push([weights.D, weights.C, weights.B, weights.A]);
    score = `ts_rank_cd($${values.length}::float4[], d.vector, ${plan.tsqueryParam})`;
  }
  let order = 'score DESC, d.record_id';
  if (request.sort) {
    values.push(request.sort.field.split('.'));
    const direction = request.sort.descending ? 'DESC' : 'ASC';
    order = `d.data #> $${values.length}::text[] ${direction} NULLS LAST, d.record_id ${direction}`;
  }
  values.push(request.limit, request.offset);
  return {
    text: `SELECT d.record_id, d.version, d.data, ${score} AS score, count(*) OVER () AS total
       FROM documents d WHERE ${plan.where.join(' AND ')}
      ORDER BY ${order} LIMIT $${values.length - 1} OFFSET $${values.length}`,
    values,
  };
}

function searchPage(client: SqlClient, plan: QueryPlan, request: SearchRequest) {
  const { text, values } = pageQuery(plan, request);
  return client.query<HitRow>(text, values);
}

async function countHits(client: SqlClient, plan: QueryPlan): Promise<number> {
  const { rows } = await client.query<{ total: string }>(`SELECT count(*) AS total FROM documents d WHERE ${plan.where.join(' AND ')}`, plan.params);
  return Number(rows[0]!.total);
}

/** Counts of the most frequent values of each facet among all hits, with the numeric range of each. */
async function countFacets(client: SqlClient, plan: QueryPlan, fields: string[]): Promise<Record<string, FacetResult>> {
  const n = plan.params.length;
  const { rows } = await client.query<{ field: string; value: FacetCount['value']; count: number; min_number: string | null; max_number: string | null }>(
    `SELECT field, value, count, min_number, max_number FROM (
       SELECT f.field, v.value, count(*)::int AS count,
              row_number() OVER (PARTITION BY f.field ORDER BY count(*) DESC, v.value) AS position,
              min(CASE WHEN jsonb_typeof(v.value) = 'number' THEN (v.value #>> '{}')::numeric END) OVER (PARTITION BY f.field) AS min_number,
              max(CASE WHEN jsonb_typeof(v.value) = 'number' THEN (v.value #>> '{}')::numeric END) OVER (PARTITION BY f.field) AS max_number
         FROM documents d
        CROSS JOIN unnest($${n + 1}::text[]) AS f(field)
        CROSS JOIN jsonb_array_elements(d.facets -> f.field) AS v(value)
        WHERE ${plan.where.join(' AND ')}
        GROUP BY f.field, v.value
     ) ranked WHERE position <= $${n + 2} ORDER BY field, position`,
    [...plan.params, fields, FACET_VALUES_SHOWN],
  );
  const facets: Record<string, FacetResult> = Object.fromEntries(fields.map((field) => [field, { values: [] }]));
  for (const row of rows) {
    const facet = facets[row.field]!;
    facet.values.push({ value: row.value, count: row.count });
    if (row.min_number !== null) facet.min = Number(row.min_number);
    if (row.max_number !== null) facet.max = Number(row.max_number);
  }
  return facets;
}

/** Marks the matched words in each hit's searchable fields, and cuts a snippet around the best match, with ts_headline. */
async function highlight(client: SqlClient, plan: QueryPlan, hits: SearchHit[]): Promise<void> {
  if (hits.length === 0) return;
  const fields = plan.settings.searchableFields.map((searchable) => searchable.field);
  const subsets = hits.map((hit) => searchableFieldsOf(hit.data, fields));
  const texts = hits.map((hit) => {
    const { texts } = indexedDocument(plan.settings, hit.data);
    // One line: fields are separated by newlines in the index, which a snippet should not show.
    return [texts.A, texts.B, texts.C, texts.D].filter(Boolean).join(' ').replace(/\s+/gu, ' ');
  });
  if (!plan.tsquery) {
    hits.forEach((hit, index) => {
      hit.highlights = markedAsHtml(subsets[index]!);
      hit.snippet = markedAsHtml(openingWords(texts[index]!, SNIPPET_WORDS));
    });
    return;
  }
  const { rows } = await client.query<{ position: string; fields: Record<string, unknown>; snippet: string }>(
    `SELECT h.position, ts_headline($1::regconfig, h.fields, $2::tsquery, $3) AS fields, ts_headline($1::regconfig, h.text, $2::tsquery, $4) AS snippet
       FROM unnest($5::jsonb[], $6::text[]) WITH ORDINALITY AS h(fields, text, position)`,
    [plan.settings.language, plan.tsquery, FIELD_MARKS, SNIPPET_MARKS, subsets.map((subset) => JSON.stringify(subset)), texts.map((text) => text.replace(/[\uE000\uE001]/g, ''))],
  );
  for (const row of rows) {
    const hit = hits[Number(row.position) - 1]!;
    hit.highlights = markedAsHtml(row.fields);
    hit.snippet = markedAsHtml(row.snippet);
  }
}

import { notFound } from '@hexbase/contracts';
import { compileFilterToSql, type FilterExpression } from '@hexbase/filter';
import { expandQuery, typoCandidatesOf } from '../../domain/expand-query';
import type { SearchSettings } from '../../domain/index-settings';
import type { SearchQuery } from '../../domain/search-query';
import { typoCorrections } from '../../domain/typos';
import type { SqlClient } from './pg-documents';
import { tsqueryText } from './tsquery-text';

/** Below this trigram similarity an indexed word is not even considered as a correction. */
const CANDIDATE_SIMILARITY = '0.2';
const CANDIDATES_PER_WORD = 50;

/** What every read of one search shares: the generation, its settings, the tsquery and the WHERE clause. */
export interface QueryPlan {
  generation: number;
  settings: SearchSettings;
  /** The normalized tsquery (to_tsquery's output), or undefined when every document matches. */
  tsquery: string | undefined;
  corrections: Record<string, string[]>;
  /** Conditions on `documents d`, using `params`. */
  where: string[];
  params: unknown[];
  /** Placeholder of the tsquery, when there is one. */
  tsqueryParam: string | undefined;
}

/**
 * Plans a search inside the caller's (repeatable read) transaction: reads the active generation,
 * corrects words the collection has never indexed (typo tolerance), builds and normalizes the
 * tsquery and compiles the filter. Everything the user typed travels as bind parameters.
 */
export async function planQuery(
  client: SqlClient,
  request: { tenantId: string; collection: string; query: SearchQuery; filter?: FilterExpression; typoTolerance: boolean },
): Promise<QueryPlan> {
  const { rows } = await client.query<{ generation: number; settings: SearchSettings | null }>(
    `SELECT i.active_generation AS generation, g.settings FROM indexes i
       JOIN generations g ON g.tenant_id = i.tenant_id AND g.collection = i.collection AND g.generation = i.active_generation
      WHERE i.tenant_id = $1 AND i.collection = $2`,
    [request.tenantId, request.collection],
  );
  const state = rows[0];
  if (!state) throw notFound('COLLECTION_NOT_FOUND', `the search index knows no collection ${request.collection}`);
  if (!state.settings) throw notFound('SEARCH_NOT_ENABLED', `collection ${request.collection} has no search settings; add them to its definition`);
  const settings = state.settings;

  const corrections = request.typoTolerance ? await correctTypos(client, request.tenantId, request.collection, state.generation, request.query) : new Map<string, string[]>();
  const text = tsqueryText(expandQuery(request.query, { synonyms: settings.synonyms, corrections }));
  let tsquery: string | undefined;
  if (text !== '') {
    const normalized = await client.query<{ query: string }>('SELECT to_tsquery($1::regconfig, $2)::text AS query', [settings.language, text]);
    tsquery = normalized.rows[0]!.query || undefined;
  }

  const params: unknown[] = [request.tenantId, request.collection, state.generation];
  const where = ['d.tenant_id = $1', 'd.collection = $2', 'd.generation = $3', 'NOT d.deleted'];
  let tsqueryParam: string | undefined;
  if (tsquery) {
    params.push(tsquery);
    tsqueryParam = `$${params.length}::tsquery`;
    where.push(`d.vector @@ ${tsqueryParam}`);
  }
  if (request.filter) {
    const filterable = new Set(settings.filterableFields);
    const compiled = compileFilterToSql(request.filter, {
      jsonColumn: 'd.data',
      allowedFields: (path) => filterable.has(path.join('.')),
      firstParameterIndex: params.length + 1,
      parameter: '/query/filter',
    });
    params.push(...compiled.params);
    where.push(`(${compiled.sql})`);
  }
  return { generation: state.generation, settings, tsquery, corrections: Object.fromEntries(corrections), where, params, tsqueryParam };
}

/**
 * Words (and prefixes being typed) that no indexed word matches get the indexed words within
 * their typo budget: trigram similarity finds candidates through the lexicon's index, and the
 * typo distance decides.
 */
async function correctTypos(client: SqlClient, tenantId: string, collection: string, generation: number, query: SearchQuery): Promise<Map<string, string[]>> {
  const words = typoCandidatesOf(query);
  if (words.length === 0) return new Map();
  const prefixes = new Set(query.clauses.flatMap((clause) => (clause.kind === 'match' ? clause.alternatives : [])).flatMap((term) => (term.kind === 'word' && term.prefix ? [term.word] : [])));
  const { rows: known } = await client.query<{ word: string; known: boolean }>(
    `SELECT q.word, EXISTS (SELECT 1 FROM lexicon l WHERE l.tenant_id = $1 AND l.collection = $2 AND l.generation = $3 AND l.word LIKE q.pattern) AS known
       FROM unnest($4::text[], $5::text[]) AS q(word, pattern)`,
    [tenantId, collection, generation, words, words.map((word) => (prefixes.has(word) ? `${escapeLike(word)}%` : escapeLike(word)))],
  );
  const unknown = known.filter((row) => !row.known).map((row) => row.word);
  if (unknown.length === 0) return new Map();
  await client.query(`SELECT set_config('pg_trgm.similarity_threshold', $1, true)`, [CANDIDATE_SIMILARITY]);
  const { rows } = await client.query<{ word: string; candidates: string[] }>(
    `SELECT q.word, ARRAY(
         SELECT l.word FROM lexicon l
          WHERE l.tenant_id = $1 AND l.collection = $2 AND l.generation = $3 AND l.word OPERATOR(public.%) q.word
          ORDER BY public.similarity(l.word, q.word) DESC, l.word LIMIT $5) AS candidates
       FROM unnest($4::text[]) AS q(word)`,
    [tenantId, collection, generation, unknown, CANDIDATES_PER_WORD],
  );
  const corrections = new Map<string, string[]>();
  for (const row of rows) {
    const found = typoCorrections(row.word, row.candidates);
    if (found.length > 0) corrections.set(row.word, found);
  }
  return corrections;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

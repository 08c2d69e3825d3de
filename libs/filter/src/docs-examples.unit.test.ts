import { describe, expect, it } from 'vitest';
import { HexbaseError } from '@hexbase/contracts';
import { documentedFilters, documentedJsonBlocks, documentedSemantics, documentedSql } from './docs-examples';
import { formatFilter, jsonFieldSqlExpression, parseFilter } from './index';

describe('docs/filters.md', () => {
  it('has examples to check', () => {
    expect(documentedFilters().length).toBeGreaterThanOrEqual(10);
    expect(documentedSemantics().length).toBeGreaterThan(40);
  });

  it.each(documentedFilters())('parses and round-trips the example %s', (filter) => {
    const ast = parseFilter(filter);
    expect(parseFilter(formatFilter(ast))).toEqual(ast);
  });

  it('shows the index expression jsonFieldSqlExpression really returns', () => {
    expect(documentedSql()[0]).toContain(`ON records (${jsonFieldSqlExpression('data', ['price'], 'numeric')});`);
  });

  it('shows the error a user really gets', () => {
    const problem = documentedJsonBlocks()[0] as { detail: string; errors: unknown[] };
    let error: unknown;
    try {
      parseFilter('status = open', { parameter: '/query/filter' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HexbaseError);
    expect((error as HexbaseError).message).toBe(problem.detail);
    expect((error as HexbaseError).violations).toEqual(problem.errors);
  });
});

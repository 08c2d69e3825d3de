import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffData, type DataChange } from './data-changes';

/** Applies the changes as JSON Patch operations (RFC 6902), ignoring `previous`. */
function applyChanges(document: unknown, changes: DataChange[]): unknown {
  let result = structuredClone(document);
  for (const change of changes) {
    const tokens = change.path.split('/').slice(1).map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (tokens.length === 0) {
      result = change.op === 'remove' ? undefined : structuredClone(change.value);
      continue;
    }
    let parent = result as Record<string, unknown>;
    for (const token of tokens.slice(0, -1)) parent = parent[token] as Record<string, unknown>;
    const last = tokens.at(-1)!;
    if (change.op === 'remove') delete parent[last];
    else parent[last] = structuredClone(change.value);
  }
  return result;
}

describe('field-level changes between two versions of a record', () => {
  it('names each changed member by its JSON Pointer, with the value it had', () => {
    expect(diffData({ a: 1, 'x/y': { b: 'old', keep: true }, gone: [1] }, { a: 1, 'x/y': { b: 'new', keep: true }, added: null })).toEqual([
      { op: 'replace', path: '/x~1y/b', value: 'new', previous: 'old' },
      { op: 'remove', path: '/gone', previous: [1] },
      { op: 'add', path: '/added', value: null },
    ]);
    expect(diffData({ list: [1, 2] }, { list: [2, 1] })).toEqual([{ op: 'replace', path: '/list', value: [2, 1], previous: [1, 2] }]);
    expect(diffData({ same: { deep: [1] } }, { same: { deep: [1] } })).toEqual([]);
  });

  it('turns any version into the next when applied as a JSON Patch', () => {
    const json = fc.dictionary(fc.constantFrom('a', 'b', 'c/d', 'e~f'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
    fc.assert(
      fc.property(json, json, (before, after) => {
        expect(applyChanges(before, diffData(before, after))).toEqual(after);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { HexbaseError, notFound } from '@hexbase/contracts';
import { createBreakerRegistry } from './breaker-registry';
import { withBreaker } from './with-breaker';

interface SearchIndex {
  search(query: string): Promise<string[]>;
  findDocument(id: string): Promise<string>;
  readonly label: string;
  describe(): string;
}

class HttpSearchIndex implements SearchIndex {
  readonly label = 'http-search';
  #baseUrl: string;
  up = true;
  calls = 0;
  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }
  async search(query: string): Promise<string[]> {
    this.calls += 1;
    if (!this.up) throw new HexbaseError('SEARCH_DOWN', 'unavailable', 'connection refused');
    return [`${this.#baseUrl}?q=${query}`];
  }
  async findDocument(id: string): Promise<string> {
    this.calls += 1;
    throw notFound('DOCUMENT_NOT_FOUND', `no document ${id}`);
  }
  describe(): string {
    return `search at ${this.#baseUrl}`;
  }
}

describe('withBreaker', () => {
  it('calls the port as before while the dependency is healthy, private fields included', async () => {
    const port = new HttpSearchIndex('http://search');
    const guarded = withBreaker('search', port, { registry: createBreakerRegistry(), passThrough: ['describe'] });

    await expect(guarded.search('shoes')).resolves.toEqual(['http://search?q=shoes']);
    expect(guarded.label).toBe('http-search');
    expect(guarded.describe()).toBe('search at http://search');
  });

  it('shares one breaker across the methods: once open, every method fails fast with DEPENDENCY_UNAVAILABLE', async () => {
    const port = new HttpSearchIndex('http://search');
    const registry = createBreakerRegistry();
    const guarded = withBreaker('search', port, { registry, volumeThreshold: 2, resetTimeout: 20_000 });
    port.up = false;
    for (let i = 0; i < 2; i += 1) await guarded.search('x').catch(() => {});
    const callsWhenOpened = port.calls;

    await expect(guarded.search('y')).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', kind: 'unavailable', extensions: { dependency: 'search', retryAfter: 20 } });
    await expect(guarded.findDocument('1')).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(port.calls).toBe(callsWhenOpened);
    expect(registry.states()).toMatchObject([{ name: 'search', state: 'open' }]);
  });

  it('lets caller errors through without opening', async () => {
    const port = new HttpSearchIndex('http://search');
    const registry = createBreakerRegistry();
    const guarded = withBreaker('search', port, { registry, volumeThreshold: 1 });

    for (let i = 0; i < 5; i += 1) await expect(guarded.findDocument('9')).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });

    expect(registry.states()).toMatchObject([{ name: 'search', state: 'closed', failures: 0 }]);
  });
});

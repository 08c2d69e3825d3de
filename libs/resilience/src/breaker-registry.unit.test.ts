import { describe, expect, it } from 'vitest';
import { HexbaseError } from '@hexbase/contracts';
import { breakerRegistry, createBreakerRegistry, type BreakerStateChange } from './breaker-registry';
import { createBreaker } from './create-breaker';

const failing = async (): Promise<never> => {
  throw new HexbaseError('DOWN', 'unavailable', 'down');
};

describe('breaker registry', () => {
  it('reports every breaker state and counts, sorted by name', async () => {
    const registry = createBreakerRegistry();
    const search = createBreaker('search', failing, { volumeThreshold: 2, resetTimeout: 60_000, registry });
    const records = createBreaker('records', async () => 'ok', { registry });

    await records.fire();
    for (let i = 0; i < 2; i += 1) await search.fire().catch(() => {});
    await search.fire().catch(() => {});

    expect(registry.states()).toEqual([
      { name: 'records', state: 'closed', failures: 0, successes: 1, rejects: 0, timeouts: 0 },
      { name: 'search', state: 'open', failures: 2, successes: 0, rejects: 1, timeouts: 0 },
    ]);
    search.shutdown();
    records.shutdown();
  });

  it('tells listeners about state changes, and survives a listener that throws', async () => {
    const registry = createBreakerRegistry();
    const changes: BreakerStateChange[] = [];
    registry.onChange(() => {
      throw new Error('broken metrics');
    });
    const stop = registry.onChange((change) => changes.push(change));
    const breaker = createBreaker('search', failing, { volumeThreshold: 1, registry });

    await breaker.fire().catch(() => {});
    stop();
    breaker.shutdown();

    expect(changes).toEqual([{ name: 'search', state: 'open', previous: 'closed' }]);
  });

  it('keeps one entry per name, the newest, and forgets a breaker once shut down', () => {
    const registry = createBreakerRegistry();
    const first = createBreaker('search', async () => 1, { registry });
    const second = createBreaker('search', async () => 2, { registry });

    first.shutdown();
    expect(registry.states().map((state) => state.name)).toEqual(['search']);
    second.shutdown();
    expect(registry.states()).toEqual([]);
  });

  it('is one registry per process by default', () => {
    const breaker = createBreaker('default-registry-check', async () => 1);

    expect(breakerRegistry().states().some((state) => state.name === 'default-registry-check')).toBe(true);
    breaker.shutdown();
    expect(breakerRegistry().states().some((state) => state.name === 'default-registry-check')).toBe(false);
  });
});

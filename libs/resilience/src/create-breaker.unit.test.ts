import { describe, expect, it } from 'vitest';
import { HexbaseError, notFound, validationError } from '@hexbase/contracts';
import { eventually } from '@hexbase/testing';
import { createBreakerRegistry } from './breaker-registry';
import { createBreaker } from './create-breaker';

const dependencyDown = () => new HexbaseError('SEARCH_DOWN', 'unavailable', 'connection refused');

/** A dependency the test can break, mend or make hang, counting the calls that reach it. */
function fakeDependency() {
  const dependency = {
    mode: 'up' as 'up' | 'down' | 'hanging' | 'caller-error',
    calls: 0,
    async call(query: string): Promise<string> {
      dependency.calls += 1;
      if (dependency.mode === 'down') throw dependencyDown();
      if (dependency.mode === 'caller-error') throw validationError('QUERY_INVALID', 'bad query', []);
      if (dependency.mode === 'hanging') return new Promise<string>(() => {});
      return `result for ${query}`;
    },
  };
  return dependency;
}

async function failTimes(fire: () => Promise<unknown>, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) await fire().catch(() => {});
}

describe('createBreaker', () => {
  it('opens after failures and then rejects fast, without calling the dependency, with a 503-kind error and a retryAfter', async () => {
    const dependency = fakeDependency();
    const breaker = createBreaker('search', (query: string) => dependency.call(query), { volumeThreshold: 3, resetTimeout: 30_000, registry: createBreakerRegistry() });
    dependency.mode = 'down';

    await failTimes(() => breaker.fire('a'), 3);
    expect(breaker.snapshot().state).toBe('open');
    dependency.mode = 'hanging';
    const callsWhenOpened = dependency.calls;

    const error = await breaker.fire('b').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(HexbaseError);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'DEPENDENCY_UNAVAILABLE', extensions: { retryAfter: 30, dependency: 'search' } });
    expect(dependency.calls).toBe(callsWhenOpened);
    expect(breaker.snapshot()).toMatchObject({ failures: 3, rejects: 1 });
    breaker.shutdown();
  });

  it('passes the dependency failures themselves through unchanged until it opens', async () => {
    const dependency = fakeDependency();
    const breaker = createBreaker('search', (query: string) => dependency.call(query), { volumeThreshold: 5, registry: createBreakerRegistry() });
    dependency.mode = 'down';

    await expect(breaker.fire('a')).rejects.toMatchObject({ code: 'SEARCH_DOWN' });
    breaker.shutdown();
  });

  it('half-opens after resetTimeout and closes again when the dependency has recovered', async () => {
    const dependency = fakeDependency();
    const breaker = createBreaker('search', (query: string) => dependency.call(query), { volumeThreshold: 2, resetTimeout: 50, registry: createBreakerRegistry() });
    dependency.mode = 'down';
    await failTimes(() => breaker.fire('a'), 2);
    expect(breaker.snapshot().state).toBe('open');

    await eventually(() => (breaker.snapshot().state === 'half_open' ? true : undefined), { what: 'the breaker to half-open' });
    dependency.mode = 'up';

    await expect(breaker.fire('b')).resolves.toBe('result for b');
    expect(breaker.snapshot().state).toBe('closed');
    await expect(breaker.fire('c')).resolves.toBe('result for c');
    breaker.shutdown();
  });

  it('opens again when the trial call of the half-open state fails', async () => {
    const dependency = fakeDependency();
    const breaker = createBreaker('search', (query: string) => dependency.call(query), { volumeThreshold: 2, resetTimeout: 50, registry: createBreakerRegistry() });
    dependency.mode = 'down';
    await failTimes(() => breaker.fire('a'), 2);
    await eventually(() => (breaker.snapshot().state === 'half_open' ? true : undefined), { what: 'the breaker to half-open' });

    await expect(breaker.fire('b')).rejects.toMatchObject({ code: 'SEARCH_DOWN' });

    expect(breaker.snapshot().state).toBe('open');
    breaker.shutdown();
  });

  it('does not count caller errors as failures, and rethrows them unchanged', async () => {
    const dependency = fakeDependency();
    const breaker = createBreaker('records', (query: string) => dependency.call(query), { volumeThreshold: 2, registry: createBreakerRegistry() });
    dependency.mode = 'caller-error';

    for (let i = 0; i < 20; i += 1) await expect(breaker.fire('x')).rejects.toMatchObject({ code: 'QUERY_INVALID', kind: 'validation' });
    const missing = notFound('RECORD_NOT_FOUND', 'no such record');
    const lookup = createBreaker('lookup', async () => Promise.reject(missing), { volumeThreshold: 1, registry: createBreakerRegistry() });
    for (let i = 0; i < 5; i += 1) await expect(lookup.fire()).rejects.toBe(missing);

    expect(breaker.snapshot()).toMatchObject({ state: 'closed', failures: 0 });
    expect(lookup.snapshot()).toMatchObject({ state: 'closed', failures: 0 });
    breaker.shutdown();
    lookup.shutdown();
  });

  it('fails a call that exceeds the timeout with DEPENDENCY_UNAVAILABLE', async () => {
    const dependency = fakeDependency();
    dependency.mode = 'hanging';
    const breaker = createBreaker('slow', (query: string) => dependency.call(query), { timeout: 20, registry: createBreakerRegistry() });

    await expect(breaker.fire('a')).rejects.toMatchObject({ kind: 'unavailable', code: 'DEPENDENCY_UNAVAILABLE', extensions: { dependency: 'slow', retryAfter: 1 } });
    expect(breaker.snapshot()).toMatchObject({ timeouts: 1 });
    breaker.shutdown();
  });
});

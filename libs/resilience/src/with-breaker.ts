import { createBreaker, type BreakerOptions } from './create-breaker';

export interface WithBreakerOptions<T> extends BreakerOptions {
  /** Methods called directly, outside the breaker (synchronous ones, `close`...). */
  passThrough?: ReadonlyArray<keyof T & string>;
}

type AnyMethod = (...args: unknown[]) => unknown;

/**
 * The same port with every method call going through one breaker named after the dependency.
 *
 * Guarantees: those of createBreaker, for every method. Methods are called on the original
 * object (private fields work); properties that are not functions, symbol-keyed members and the
 * `passThrough` methods are passed through untouched. Methods are expected to be async, as
 * ports are: a synchronous method not listed in `passThrough` comes back as a promise.
 */
export function withBreaker<T extends object>(name: string, port: T, options: WithBreakerOptions<T> = {}): T {
  const breaker = createBreaker(name, async (method: AnyMethod, args: unknown[]) => method.apply(port, args), options);
  const passThrough = new Set<string>(options.passThrough ?? []);
  const wrappers = new WeakMap<AnyMethod, AnyMethod>();
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      const method = value as AnyMethod;
      if (passThrough.has(property)) return method.bind(target);
      let wrapper = wrappers.get(method);
      if (!wrapper) {
        wrapper = (...args: unknown[]) => breaker.fire(method, args);
        wrappers.set(method, wrapper);
      }
      return wrapper;
    },
  });
}

export { BREAKER_DEFAULTS, createBreaker, isCallerError, type Breaker, type BreakerOptions } from './create-breaker';
export { breakerRegistry, createBreakerRegistry, type BreakerRegistry, type BreakerSnapshot, type BreakerState, type BreakerStateChange, type ObservableBreaker } from './breaker-registry';
export { withBreaker, type WithBreakerOptions } from './with-breaker';
export { isTransientError, retryWithJitter, type RetryOptions } from './retry-with-jitter';

export * from './create-http-app';
export * from './problem-schemas';
export * from './http-problems';
export * from './problem-handlers';
export * from './validation-violations';
export * from './json-body';
export * from './security-headers';
export * from './serve';

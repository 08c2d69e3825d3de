export * from './envelope';
export * from './record-events';
export * from './collection-events';
export * from './errors';
export * from './problem';
export * from './consistency-token';
export * from './tenant';
export * from './rfc3339';

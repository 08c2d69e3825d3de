export * from './clock';
export * from './ids';
export * from './event-publisher';
export * from './outbox';
export * from './event-consumer';

export * from './servers';
export * from './isolation';
export * from './test-servers';
export * from './eventually';
export * from './broker-control';
export * from './service-process';

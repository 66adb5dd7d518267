export * from './event-store.port';
export * from './errors';
export * from './hash';
export * from './postgres';

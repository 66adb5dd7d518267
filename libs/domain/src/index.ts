export * from './identity';
export * from './calendar';

export * from './errors';
export * from './upcasting';

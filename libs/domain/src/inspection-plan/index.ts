export * from './period';
export * from './sampling';
export * from './policies';
export * from './inspection-plan';

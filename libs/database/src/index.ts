export * from './admin';
export * from './embedded';
export * from './migrations';

export * from './grading.types';
export * from './policies';
export * from './cycle';
export * from './timeline';
export * from './cycle.schema';

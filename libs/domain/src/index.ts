export * from './identity';
export * from './calendar';
export * from './shared';
export * from './agency';
export * from './grading';
export * from './ledger-events';
export * from './inspection-plan';
export * from './supervision';

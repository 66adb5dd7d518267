export * from './projection';
export * from './runner';
export * from './registry/registry.projection';
export * from './registry/registry.entity';
export * from './grade-history/grade-history.projection';
export * from './grade-history/grade-history.query';
export * from './credit-record';
export * from './inspection-plan/inspection-plan.projection';

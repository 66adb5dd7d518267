export * from './projection';
export * from './runner';
export * from './registry/registry.projection';
export * from './registry/registry.entity';

export * from './credit-record.projection';
export * from './credit-record.query';

export * from './person-credit.projection';
export * from './person-credit.query';

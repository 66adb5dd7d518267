export * from './agency.events';
export * from './agency';
export * from './agency.decide';
export * from './agency.schema';
export * from './agency.reservations';

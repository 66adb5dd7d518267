export * from './person-credit';

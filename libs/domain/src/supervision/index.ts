export * from './supervision-rules';

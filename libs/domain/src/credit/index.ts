export * from './display-period';

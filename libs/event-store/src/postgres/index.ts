export * from './postgres-event-store';
export { EventStore1763850000000 } from './migrations/1763850000000-event-store';

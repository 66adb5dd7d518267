export { KurrentEventStore, createKurrentEventStore } from './kurrent-event-store';

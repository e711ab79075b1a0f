export { toEventView } from '@sunlight/event-store';

/**
 * The `DivisionRegistry` (GB/T 2260 行政区划 + 12-digit statistical codes), loaded once at start-up.
 * The token itself lives in the library so controllers under libs/ can inject it without src/.
 */
export { DIVISION_REGISTRY } from '@sunlight/geo';

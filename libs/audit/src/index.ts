// Pure code only; the Nest module is imported from `@sunlight/audit/audit.module`.
export * from './stream-catalog';

export * from './findings.projection';

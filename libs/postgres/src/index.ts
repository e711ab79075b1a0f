export * from './embedded-postgres';
export * from './resolve-database';
export * from './login-roles';
export * from './generated-logins';
export * from './startup-errors';

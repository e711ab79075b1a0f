/**
 * Bearer tokens without Nest: what signs a token and finds its key. `sunlight token` imports
 * this entry point instead of the library's index.ts, which also loads the guard and decorators
 * and with them Nest, several times the command's whole work.
 */
export { resolveJwtSecret, jwtSecretLengthMin } from '../jwt-secret';
export {
  actorIdLengthMax,
  actorNameLengthMax,
  parseTokenLifetime,
  signAccessToken,
} from '../access-token';
export { isRole, roles } from '../roles';
export { personalDataScope, scopesProblem } from '../scopes';

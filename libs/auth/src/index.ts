export { isRole, isRoleAllowed, roles } from './roles';
export type { Role } from './roles';
export {
  actorOf,
  CurrentActor,
  CurrentScopes,
  IS_PUBLIC_KEY,
  Jurisdiction,
  jurisdictionExtension,
  Public,
  publicExtension,
  Roles,
  ROLES_KEY,
  rolesExtension,
} from './auth.decorators';
export type { JurisdictionRule } from './auth.decorators';
export { AuthenticationError, ForbiddenJurisdictionError, ForbiddenRoleError } from './auth.errors';
export type { AuthenticationFailure } from './auth.errors';
export { assertWithinJurisdiction, isWithinJurisdiction } from './jurisdiction';
export type { JurisdictionRegistry } from './jurisdiction';
export { ACCESS_TOKEN_SECRET } from './auth.tokens';
export { AuthGuard } from './auth.guard';
export { resolveJwtSecret, jwtSecretLengthMin } from './jwt-secret';
export type { ResolvedJwtSecret } from './jwt-secret';
export {
  signAccessToken,
  verifyAccessToken,
  parseTokenLifetime,
  parseAuthorizationHeader,
  actorIdLengthMax,
  actorNameLengthMax,
} from './access-token';
export type { RequestWithActor } from './auth.decorators';
export {
  eventTypeScopePattern,
  eventTypeScopes,
  personalDataScope,
  scopesMax,
  scopesProblem,
  seesPersonalData,
} from './scopes';

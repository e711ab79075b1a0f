export { isRole, isRoleAllowed, roles } from './roles';
export type { Role } from './roles';
export { actorOf, CurrentActor, IS_PUBLIC_KEY, Public, Roles, ROLES_KEY } from './auth.decorators';
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

/**
 * The roles a bearer token can carry. The public (村民) never holds a token: public routes are
 * marked `@Public()` instead, so `public` is deliberately not a role.
 */
export const roles = [
  // 财政局/扶贫办: creates fund lines, allocates down the levels, requests disbursements.
  'finance',
  // 审批: approves or rejects disbursements (the second person of maker-checker).
  'approver',
  // 代理银行: settles approved payments.
  'bank',
  // 纪委监委: reads every history in its jurisdiction, runs cross-checks, triages findings.
  'commission',
  // 村级经办: registers households and members, uploads project photos.
  'village_staff',
  // 外部系统 (省平台, banks, other departments' systems): reads the event feeds of its division,
  // limited to the event types its token's scopes name; personal data masked unless a scope allows it.
  'integrator',
  // 系统管理员: system administration; passes every role check, usually with the province `53` as jurisdiction.
  'admin',
] as const;

export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** `admin` may call every route; any other role only the routes that name it. */
export function isRoleAllowed(role: Role, allowedRoles: readonly Role[]): boolean {
  return role === 'admin' || allowedRoles.includes(role);
}

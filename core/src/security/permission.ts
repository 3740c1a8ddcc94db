/**
 * Kill Bill's permission names (kbapi security/Permission.java), `group:action`. A role grants a list of
 * them; `*` (or `*:*`) grants all, `account:*` a whole group, as Shiro's wildcard permissions do.
 */
export const PERMISSIONS = [
  'account:create', 'account:update', 'account:add_emails', 'account:delete_emails', 'account:charge',
  'account:credit',
  'catalog:config_upload', 'catalog:delete',
  'custom_field:add', 'custom_field:update', 'custom_field:delete',
  'entitlement:create', 'entitlement:change_plan', 'entitlement:pause_resume', 'entitlement:cancel',
  'entitlement:transfer',
  'invoice:credit', 'invoice:item_adjust', 'invoice:delete_cba', 'invoice:trigger', 'invoice:dry_run',
  'invoice:write_off', 'invoice:commit', 'invoice:void',
  'overdue:config_upload',
  'payment:trigger', 'payment:refund', 'payment:chargeback', 'payment:transition', 'payment:notification',
  'payment_method:create', 'payment_method:update', 'payment_method:delete',
  'tag:create_tag_definition', 'tag:delete_tag_definition', 'tag:add', 'tag:delete',
  'tenant:create',
  'tenant_kvs:add', 'tenant_kvs:delete',
  'usage:record',
  'user:create',
  'admin:update', 'admin:export', 'admin:trigger_command',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const KNOWN = new Set<string>(PERMISSIONS);
const GROUPS = new Set(PERMISSIONS.map((p) => p.split(':')[0]!));

/** A grant as a role stores it: a permission, a group wildcard (`account:*`) or everything (`*`). */
export function isValidGrant(grant: string): boolean {
  if (grant === '*' || grant === '*:*') return true;
  const [group, action] = grant.split(':');
  if (action === '*') return group !== undefined && GROUPS.has(group);
  return KNOWN.has(grant);
}

export function grantCovers(grant: string, permission: Permission): boolean {
  if (grant === '*' || grant === '*:*') return true;
  if (grant === permission) return true;
  const [group, action] = grant.split(':');
  return action === '*' && permission.startsWith(`${group}:`);
}

/** Every concrete permission the grants cover, as Kill Bill's `GET /security/permissions` lists them. */
export function expandGrants(grants: readonly string[]): Permission[] {
  return PERMISSIONS.filter((p) => grants.some((g) => grantCovers(g, p)));
}

/**
 * Normalises the grants of a role definition as Kill Bill's DefaultSecurityApi.sanitizePermissions: blanks
 * are dropped, `*` anywhere means everything, a bare group (`account`) or `account:` means `account:*`, and a
 * group wildcard absorbs that group's single permissions. Unlike Kill Bill, every grant must then name a known
 * permission or group (Shiro would silently accept a typo that grants nothing): the first unknown one is returned.
 */
export function sanitizeGrants(raw: readonly string[]): { grants: string[]; invalid: string | null } {
  const byGroup = new Map<string, Set<string>>();
  for (const entry of raw) {
    const grant = entry.trim().toLowerCase();
    if (grant === '') continue;
    if (grant === '*') return { grants: ['*'], invalid: null };
    const parts = grant.split(':');
    if (parts.length > 2) return { grants: [], invalid: entry };
    const group = parts[0]!;
    const action = parts[1] ?? '';
    const actions = byGroup.get(group) ?? new Set<string>();
    byGroup.set(group, actions);
    if (action === '' || action === '*') {
      actions.clear();
      actions.add('*');
    } else if (!actions.has('*')) {
      actions.add(action);
    }
  }
  const grants = [...byGroup].flatMap(([group, actions]) => [...actions].map((action) => `${group}:${action}`));
  const invalid = grants.find((g) => !isValidGrant(g)) ?? null;
  return { grants: invalid ? [] : grants, invalid };
}

import type { RoleDefinition, Subject, UserRoles } from '@billwright/core';

/**
 * Kill Bill's SubjectJson. Billwright keeps no server session (every call carries basic credentials, as
 * Kill Bill's own clients do), so `session` is null and a subject is never "remembered".
 */
export function subjectJson(subject: Subject) {
  return { principal: subject.username, isAuthenticated: true, isRemembered: false, session: null };
}

/** Kill Bill's UserRolesJson as GET answers it: the password is never returned. */
export function userRolesJson(user: UserRoles) {
  return { username: user.username, password: null, roles: [...user.roles] };
}

export function roleDefinitionJson(role: RoleDefinition) {
  return { role: role.role, permissions: [...role.permissions] };
}

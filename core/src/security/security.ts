/** The role of the configured admin user, as Kill Bill's shiro.ini `root = *:*`; it cannot be redefined. */
export const ROOT_ROLE = 'root';

/** A user of the security API and its roles (Kill Bill's UserRoles, without the password it never returns). */
export interface UserRoles {
  readonly username: string;
  readonly roles: readonly string[];
}

export interface AddUserInput {
  readonly username: string;
  /** In clear: hashed with scrypt before it is stored, never kept. */
  readonly password: string;
  readonly roles: readonly string[];
}

/** A role and the grants it gives (Kill Bill's RoleDefinition), as sanitised when stored. */
export interface RoleDefinition {
  readonly role: string;
  readonly permissions: readonly string[];
}

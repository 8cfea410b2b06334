/**
 * Access control (`@maskfill/core/auth`): users, roles, password hashing, dashboard sessions and
 * API tokens stored hashed in Postgres.
 */
export { AuthStore, type ApiTokenView, type AuthStoreOptions, type UserView } from "./auth-store.ts";
export { readAuthMode, type AuthMode } from "./auth-mode.ts";
export { AuthError, type AuthErrorCode } from "./errors.ts";
export { newApiTokenSchema, newUserSchema, passwordSchema, signInSchema, usernameSchema, type NewApiToken, type NewUser, type SignIn } from "./inputs.ts";
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hashPassword, validatePassword, verifyPassword } from "./password.ts";
export { ANONYMOUS_ADMIN, type Principal } from "./principal.ts";
export { ROLES, hasRole, roleSchema, type Role } from "./roles.ts";
export { API_TOKEN_PREFIX, generateSecret, hashSecret } from "./secrets.ts";

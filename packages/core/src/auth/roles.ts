import { z } from "zod";

/** Roles from least to most privileged; each role can do everything the roles before it can. */
export const ROLES = ["viewer", "operator", "admin"] as const;

/** A user's role: viewer browses and exports, operator also submits, cancels and loads models, admin also manages users and tokens. */
export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES, { error: "role must be viewer, operator or admin" });

/** Returns true when `actual` grants at least the rights of `required`. */
export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

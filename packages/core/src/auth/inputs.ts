import { z } from "zod";

import { CONTROL_CHARACTER } from "../corpus/text-characters.ts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password.ts";
import { roleSchema } from "./roles.ts";

/** Lower-case sign-in name: 2-64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
export const usernameSchema = z
  .string({ error: "username must be a string" })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, {
    error: "username must be 2-64 letters, digits, '.', '_' or '-' and start with a letter or digit",
  });

export const passwordSchema = z
  .string({ error: "password must be a string" })
  .min(MIN_PASSWORD_LENGTH, { error: `password must have at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(MAX_PASSWORD_LENGTH, { error: `password must have at most ${MAX_PASSWORD_LENGTH} characters` });

export const newUserSchema = z.object({ username: usernameSchema, password: passwordSchema, role: roleSchema });
export type NewUser = z.input<typeof newUserSchema>;

export const newApiTokenSchema = z.object({
  userId: z.uuid({ error: "userId must be a UUID" }),
  name: z
    .string({ error: "name must be a string" })
    .trim()
    .min(1, { error: "name must not be empty" })
    .max(100, { error: "name must have at most 100 characters" })
    .refine((value) => !/\p{Cc}/u.test(value), { error: "name must not contain control characters" }),
  /** Days until the token expires; omit for a token that lasts until it is revoked. */
  expiresInDays: z.number().int({ error: "expiresInDays must be a whole number" }).min(1, { error: "expiresInDays must be at least 1" }).max(3650, { error: "expiresInDays must be at most 3650" }).optional(),
});
export type NewApiToken = z.input<typeof newApiTokenSchema>;

export const signInSchema = z.object({
  // Control characters are rejected here because Postgres cannot compare text that contains NUL.
  username: z
    .string({ error: "username must be a string" })
    .trim()
    .toLowerCase()
    .min(1, { error: "username must not be empty" })
    .max(64, { error: "username must have at most 64 characters" })
    .refine((name) => !CONTROL_CHARACTER.test(name), { error: "username must not contain control characters" }),
  password: z.string({ error: "password must be a string" }).min(1, { error: "password must not be empty" }).max(MAX_PASSWORD_LENGTH, { error: `password must have at most ${MAX_PASSWORD_LENGTH} characters` }),
});
export type SignIn = z.input<typeof signInSchema>;

/** Id of a user, session or API token. */
export const idSchema = z.uuid({ error: "id must be a UUID, as printed by the list commands" });

import { z } from "zod";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, ROLES, usernameSchema } from "@maskfill/core/auth";
import type { MessageKey } from "../../i18n/translate.ts";
import { ApiError } from "../http/api-error.ts";

/**
 * Request schemas of the admin API. The store checks the same rules again, but its messages are
 * English only, so these schemas catch bad input first with catalog keys in `params.messageKey`.
 */

/** Maximum length, in characters, of an id that an error message repeats back. */
const MAX_ECHOED_ID = 100;

export const createUserBodySchema = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => usernameSchema.safeParse(value).success, { params: { messageKey: "validation.username" } }),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
  role: z.enum(ROLES),
});

export const createTokenBodySchema = z.object({
  userId: z.uuid(),
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((value) => !/\p{Cc}/u.test(value), { params: { messageKey: "validation.tokenNameCharacters" } }),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

const ID_MESSAGE_KEYS: Record<"user" | "token", MessageKey> = { user: "auth.invalidUserId", token: "auth.invalidTokenId" };

/** Returns a user or token id from a route path; throws 400 `invalid_input` on `id` unless it is a UUID. */
export function parseAdminId(value: string, kind: "user" | "token"): string {
  if (z.uuid().safeParse(value).success) return value;
  const echoed = value.length > MAX_ECHOED_ID ? `${value.slice(0, MAX_ECHOED_ID)}...` : value;
  throw new ApiError(400, "invalid_input", ID_MESSAGE_KEYS[kind], { id: echoed }, { field: "id", retryable: false });
}

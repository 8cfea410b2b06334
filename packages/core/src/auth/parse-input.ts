import type { z } from "zod";

import { AuthError } from "./errors.ts";

const SECRET_FIELDS = new Set(["password", "token"]);

/** Parses `input` with `schema`; throws AuthError(invalid_input) naming the field and, unless it is a secret, the value. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") ?? "";
  let value: unknown = input;
  if (field !== "") value = typeof input === "object" && input !== null ? (input as Record<string, unknown>)[field] : undefined;
  const shown = value === undefined || SECRET_FIELDS.has(field) ? "" : ` (got ${JSON.stringify(value)})`;
  throw new AuthError("invalid_input", `${issue?.message ?? "invalid input"}${shown}`);
}

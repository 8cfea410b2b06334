import { z } from "zod";

/** "on" (default) requires sign-in or an API token; "off" lets every request act as an admin, for single-user local use. */
export type AuthMode = "on" | "off";

const authModeSchema = z.enum(["on", "off"], { error: "MASKFILL_AUTH must be on or off" }).default("on");

/** Reads MASKFILL_AUTH; throws naming the variable and its value unless it is unset, "on" or "off". */
export function readAuthMode(env: Record<string, string | undefined> = process.env): AuthMode {
  const raw = env.MASKFILL_AUTH?.trim().toLowerCase();
  const parsed = authModeSchema.safeParse(raw === "" ? undefined : raw);
  if (!parsed.success) throw new Error(`MASKFILL_AUTH must be on or off (got ${JSON.stringify(env.MASKFILL_AUTH)}); unset it to require sign-in`);
  return parsed.data;
}

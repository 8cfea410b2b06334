import { parseArgs } from "node:util";
import { newApiTokenSchema } from "@maskfill/core/auth";
import { integerOption, UsageError } from "../cli-options.ts";
import { formatDate, reportAuthError, withAuthStore } from "./auth-cli.ts";
import type { CliCommand } from "./index.ts";

/** Allowed range of --expires-days, read from the token schema so that the CLI checks the same bounds before it connects. */
const EXPIRES_DAYS = {
  min: newApiTokenSchema.shape.expiresInDays.unwrap().minValue ?? 1,
  max: newApiTokenSchema.shape.expiresInDays.unwrap().maxValue ?? Number.MAX_SAFE_INTEGER,
};
const MAX_NAME_LENGTH = newApiTokenSchema.shape.name.maxLength ?? 100;

const HELP = `Usage: maskfill tokens create USERNAME --name NAME [--expires-days DAYS]
       maskfill tokens list [USERNAME]
       maskfill tokens revoke TOKEN_ID

Manages API tokens in the DATABASE_URL database. A token acts with its user's role.
  create    prints a new token (mf_...) once on standard output; only its hash is stored.
            --name is a label of 1-${MAX_NAME_LENGTH} characters; --expires-days sets the lifetime
            in days, ${EXPIRES_DAYS.min}-${EXPIRES_DAYS.max} (default: until revoked)
  list      prints id, name, prefix, user, last use, expiry and revocation time
  revoke    revokes a token by the id that \`list\` prints
Scripts send the token as \`Authorization: Bearer mf_...\`.
`;

/** `maskfill tokens`: creates, lists and revokes API tokens for scripts and the CLI. */
export const tokensCommand: CliCommand = {
  summary: "Create, list or revoke API tokens",
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { name: { type: "string" }, "expires-days": { type: "string" }, help: { type: "boolean", short: "h" } },
    });
    const [action, target, ...extra] = positionals;
    if (values.help || action === undefined) {
      process.stdout.write(HELP);
      return values.help ? 0 : 2;
    }
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}. Run \`maskfill tokens --help\`.`);
    try {
      if (action === "list") return await listTokens(target);
      if (target === undefined) throw new UsageError(`maskfill tokens ${action} needs an argument. Run \`maskfill tokens --help\`.`);
      if (action === "create") return await createToken(target, values.name, values["expires-days"]);
      if (action === "revoke") return await revokeToken(target);
    } catch (error) {
      return reportAuthError("tokens", error);
    }
    throw new UsageError(`unknown action "${action}": use create, list or revoke. Run \`maskfill tokens --help\`.`);
  },
};

async function createToken(username: string, name: string | undefined, expiresDays: string | undefined): Promise<number> {
  if (name === undefined) throw new UsageError("--name is required: a label such as nightly-eval that tells tokens apart.");
  const nameCheck = newApiTokenSchema.shape.name.safeParse(name);
  if (!nameCheck.success) {
    throw new UsageError(`--name ${JSON.stringify(name)} is invalid: ${nameCheck.error.issues[0]?.message ?? "see the rules in --help"}. Pass a label such as nightly-eval.`);
  }
  const expiresInDays = integerOption("expires-days", expiresDays, EXPIRES_DAYS.min, EXPIRES_DAYS.max);
  const created = await withAuthStore(async (store) => {
    const user = await store.findUser(username);
    return store.createApiToken({ userId: user.id, name, ...(expiresInDays === undefined ? {} : { expiresInDays }) });
  });
  process.stdout.write(`${created.token}\n`);
  process.stderr.write(`Created token ${created.view.id} "${created.view.name}" for "${created.view.username}". Store it now: it is not shown again.\n`);
  return 0;
}

async function listTokens(username: string | undefined): Promise<number> {
  const tokens = await withAuthStore(async (store) => store.listApiTokens(username === undefined ? undefined : (await store.findUser(username)).id));
  process.stdout.write("id\tname\tprefix\tuser\tlast_used\texpires\trevoked\n");
  for (const token of tokens) {
    process.stdout.write(`${token.id}\t${token.name}\t${token.prefix}\t${token.username}\t${formatDate(token.lastUsedAt)}\t${formatDate(token.expiresAt)}\t${formatDate(token.revokedAt)}\n`);
  }
  return 0;
}

async function revokeToken(tokenId: string): Promise<number> {
  await withAuthStore((store) => store.revokeApiToken(tokenId));
  process.stderr.write(`Revoked token ${tokenId}.\n`);
  return 0;
}

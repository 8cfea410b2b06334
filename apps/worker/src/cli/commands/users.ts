import { parseArgs } from "node:util";
import { roleSchema } from "@maskfill/core/auth";
import { formatDate, readStdin, reportAuthError, withAuthStore } from "./auth-cli.ts";
import type { CliCommand } from "./index.ts";
import { UsageError } from "../cli-options.ts";

const HELP = `Usage: maskfill users add USERNAME --role viewer|operator|admin --password-stdin
       maskfill users list
       maskfill users revoke USERNAME

Manages dashboard users in the DATABASE_URL database (run \`npm run db:migrate\` first).
  add       creates a user; reads the password (12-1024 characters) from standard input,
            e.g. \`printf '%s' "$PASSWORD" | maskfill users add alice --role admin --password-stdin\`
  list      prints id, username, role, created and disabled time of every user
  revoke    disables a user: their sessions end and their API tokens stop working
Roles: viewer browses and exports, operator also submits, cancels and loads models,
admin also manages users and tokens.
`;

/** `maskfill users`: adds, lists and disables dashboard users, so a fresh deployment can get its first admin. */
export const usersCommand: CliCommand = {
  summary: "Add, list or revoke dashboard users",
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { role: { type: "string" }, "password-stdin": { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
    });
    const [action, username, ...extra] = positionals;
    if (values.help || action === undefined) {
      process.stdout.write(HELP);
      return values.help ? 0 : 2;
    }
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}. Run \`maskfill users --help\`.`);
    try {
      if (action === "list") return await listUsers();
      if (username === undefined) throw new UsageError(`maskfill users ${action} needs a USERNAME. Run \`maskfill users --help\`.`);
      if (action === "add") return await addUser(username, values.role, values["password-stdin"]);
      if (action === "revoke") return await revokeUser(username);
    } catch (error) {
      return reportAuthError("users", error);
    }
    throw new UsageError(`unknown action "${action}": use add, list or revoke. Run \`maskfill users --help\`.`);
  },
};

async function addUser(username: string, role: string | undefined, passwordFromStdin: boolean): Promise<number> {
  const parsedRole = roleSchema.safeParse(role);
  if (!parsedRole.success) throw new UsageError(`--role must be viewer, operator or admin (got ${JSON.stringify(role ?? null)}).`);
  if (!passwordFromStdin) throw new UsageError("pass the password on standard input with --password-stdin, so it stays out of the shell history.");
  const password = await readStdin();
  const user = await withAuthStore((store) => store.createUser({ username, password, role: parsedRole.data }));
  process.stdout.write(`${user.id}\n`);
  process.stderr.write(`Created ${user.role} "${user.username}".\n`);
  return 0;
}

async function listUsers(): Promise<number> {
  const users = await withAuthStore((store) => store.listUsers());
  process.stdout.write("id\tusername\trole\tcreated\tdisabled\n");
  for (const user of users) {
    process.stdout.write(`${user.id}\t${user.username}\t${user.role}\t${formatDate(user.createdAt)}\t${formatDate(user.disabledAt)}\n`);
  }
  return 0;
}

async function revokeUser(username: string): Promise<number> {
  const user = await withAuthStore(async (store) => {
    const found = await store.findUser(username);
    if (found.role === "admin" && found.disabledAt === null && (await store.countActiveAdmins()) <= 1) {
      throw new Error(`"${found.username}" is the last enabled admin; create another admin before revoking this one.`);
    }
    return store.disableUser(found.id);
  });
  process.stderr.write(`Disabled "${user.username}"; their sessions ended and their API tokens no longer work.\n`);
  return 0;
}

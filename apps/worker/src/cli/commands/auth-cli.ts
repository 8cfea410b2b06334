import { AuthError, AuthStore, hasRole, type Principal } from "@maskfill/core/auth";
import { createPrismaClient, Prisma } from "@maskfill/core/db";
import { loadConfig } from "@maskfill/core/queue";

/** Runs `action` with an AuthStore on DATABASE_URL and disconnects afterwards; maps a missing table to a hint to migrate. */
export async function withAuthStore<T>(action: (store: AuthStore) => Promise<T>): Promise<T> {
  const prisma = createPrismaClient(loadConfig().databaseUrl, { maxConnections: 2 });
  try {
    return await action(new AuthStore(prisma));
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2021") {
      throw new Error("the users table does not exist; run `npm run db:migrate` first", { cause: error });
    }
    throw error;
  } finally {
    await prisma.$disconnect();
  }
}

/** Reads all of standard input as UTF-8 and drops one trailing newline, for --password-stdin. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

/** Prints an AuthError's message to stderr and returns exit code 1; rethrows anything else. */
export function reportAuthError(command: string, error: unknown): number {
  if (error instanceof AuthError) {
    process.stderr.write(`maskfill ${command}: ${error.message}\n`);
    return 1;
  }
  throw error;
}

/** Formats a date for tables, or "-" for null. */
export function formatDate(value: Date | null): string {
  return value === null ? "-" : value.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Resolves the API token that `maskfill submit` sends (--token or MASKFILL_API_TOKEN). Returns
 * undefined without a token; throws when the token is invalid, revoked or expired, or its user
 * is not at least an operator.
 */
export async function resolveSubmitter(token: string | undefined): Promise<Principal | undefined> {
  if (token === undefined || token.trim() === "") return undefined;
  const principal = await withAuthStore((store) => store.resolveApiToken(token.trim()));
  if (principal === null) throw new Error("the API token is invalid, revoked or expired; ask an admin for a new one (`maskfill tokens create`)");
  if (!hasRole(principal.role, "operator")) throw new Error(`the API token belongs to "${principal.username}", a ${principal.role}; submitting jobs needs the operator role`);
  return principal;
}

/** Records the token's user as the owner of a job that `maskfill submit` created. */
export async function recordSubmitter(jobId: string, principal: Principal): Promise<void> {
  const prisma = createPrismaClient(loadConfig().databaseUrl, { maxConnections: 1 });
  try {
    await prisma.job.update({ where: { id: jobId }, data: { ownerId: principal.userId }, select: { id: true } });
  } finally {
    await prisma.$disconnect();
  }
}

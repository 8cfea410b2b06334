import { Prisma, type PrismaClient } from "../db/index.ts";
import { AuthError } from "./errors.ts";
import { idSchema, newApiTokenSchema, newUserSchema, signInSchema, usernameSchema, type NewApiToken, type NewUser, type SignIn } from "./inputs.ts";
import { parseInput } from "./parse-input.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import type { Principal } from "./principal.ts";
import type { Role } from "./roles.ts";
import { API_TOKEN_PREFIX, generateSecret, hashSecret } from "./secrets.ts";

/** A user as shown to admins; never includes the password hash. */
export interface UserView {
  id: string;
  username: string;
  role: Role;
  createdAt: Date;
  disabledAt: Date | null;
}

/** An API token as shown to admins; the secret itself is returned only once, by createApiToken. */
export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  username: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface AuthStoreOptions {
  /** Lifetime of a dashboard session in milliseconds (default 12 hours). */
  sessionTtlMs?: number;
  /**
   * Milliseconds for which a resolved API token is served from memory without reading Postgres
   * (default 0: every request reads it). Revoking a token or disabling a user through this store
   * clears the cache at once, but a change made by another process takes effect only after this delay.
   */
  tokenCacheMs?: number;
}

/** A resolved API token kept in memory until `validUntil` (epoch milliseconds). */
interface CachedToken {
  principal: Principal;
  validUntil: number;
}

const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
// Bounds the memory of the token cache; the oldest entry is dropped first.
const MAX_CACHED_TOKENS = 10_000;
// lastUsedAt is refreshed at most once a minute per token, so busy scripts do not write on every request.
const LAST_USED_RESOLUTION_MS = 60_000;
// Verified against when the username does not exist, so both cases take the same time.
const DUMMY_HASH = hashPassword("dummy-password-for-timing");

const userSelect = { id: true, username: true, role: true, createdAt: true, disabledAt: true } as const;

/**
 * Users, dashboard sessions and API tokens in Postgres. Secrets (passwords, session cookies,
 * tokens) are stored only as hashes, and every method validates its input with zod.
 */
export class AuthStore {
  private readonly sessionTtlMs: number;
  private readonly tokenCacheMs: number;
  private readonly tokenCache = new Map<string, CachedToken>();

  constructor(
    private readonly prisma: PrismaClient,
    options: AuthStoreOptions = {},
  ) {
    const ttl = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    if (!Number.isInteger(ttl) || ttl < 60_000) {
      throw new RangeError(`sessionTtlMs must be a whole number of at least 60000 milliseconds (got ${String(ttl)})`);
    }
    this.sessionTtlMs = ttl;
    const tokenCacheMs = options.tokenCacheMs ?? 0;
    if (!Number.isInteger(tokenCacheMs) || tokenCacheMs < 0 || tokenCacheMs > 60_000) {
      throw new RangeError(`tokenCacheMs must be a whole number of milliseconds from 0 to 60000 (got ${String(tokenCacheMs)})`);
    }
    this.tokenCacheMs = tokenCacheMs;
  }

  /** Creates a user; throws AuthError(username_taken) when the name exists and AuthError(invalid_input) on bad input. */
  async createUser(input: NewUser): Promise<UserView> {
    const user = parseInput(newUserSchema, input);
    const passwordHash = await hashPassword(user.password);
    try {
      return await this.prisma.user.create({ data: { username: user.username, passwordHash, role: user.role }, select: userSelect });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new AuthError("username_taken", `user "${user.username}" already exists; choose another username`);
      }
      throw error;
    }
  }

  /** Lists every user, oldest first, including disabled ones. */
  async listUsers(): Promise<UserView[]> {
    return this.prisma.user.findMany({ select: userSelect, orderBy: { createdAt: "asc" } });
  }

  /** Returns the number of enabled admins, so callers can refuse to disable the last one. */
  async countActiveAdmins(): Promise<number> {
    return this.prisma.user.count({ where: { role: "admin", disabledAt: null } });
  }

  /** Finds a user by username; throws AuthError(not_found) when there is none. */
  async findUser(username: string): Promise<UserView> {
    const name = parseInput(usernameSchema, username);
    const user = await this.prisma.user.findUnique({ where: { username: name }, select: userSelect });
    if (user === null) throw new AuthError("not_found", `user "${name}" not found; run \`maskfill users list\` to see the users`);
    return user;
  }

  /**
   * Disables a user: ends their sessions at once, and their API tokens stop working because
   * token checks require an enabled user (after `tokenCacheMs` in other processes). Jobs and tokens stay for the record. Returns the updated user.
   */
  async disableUser(id: string): Promise<UserView> {
    const userId = parseInput(idSchema, id);
    await this.prisma.$transaction([
      this.prisma.session.deleteMany({ where: { userId } }),
      this.prisma.user.updateMany({ where: { id: userId, disabledAt: null }, data: { disabledAt: new Date() } }),
    ]);
    this.tokenCache.clear();
    const found = await this.prisma.user.findUnique({ where: { id: userId }, select: userSelect });
    if (found === null) throw new AuthError("not_found", `user ${userId} not found; list users to see their ids`);
    return found;
  }

  /**
   * Checks a username and password and starts a session. Returns the cookie secret (shown once)
   * and its expiry. Throws AuthError(invalid_credentials) alike for an unknown user, a wrong
   * password or a disabled user, so the error does not reveal which usernames exist.
   */
  async signIn(input: SignIn): Promise<{ sessionToken: string; expiresAt: Date; principal: Principal }> {
    const credentials = parseInput(signInSchema, input);
    const user = await this.prisma.user.findUnique({ where: { username: credentials.username } });
    const valid = await verifyPassword(credentials.password, user?.passwordHash ?? (await DUMMY_HASH));
    if (user === null || !valid || user.disabledAt !== null) {
      throw new AuthError("invalid_credentials", "username or password is wrong");
    }
    const sessionToken = generateSecret();
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    await this.prisma.session.create({ data: { tokenHash: hashSecret(sessionToken), userId: user.id, expiresAt } });
    // Expired sessions of this user are removed here, so the table does not grow without bound.
    await this.prisma.session.deleteMany({ where: { userId: user.id, expiresAt: { lt: new Date() } } });
    return { sessionToken, expiresAt, principal: { userId: user.id, username: user.username, role: user.role, via: "session" } };
  }

  /** Returns the caller of a session cookie, or null when the session is unknown, expired or its user is disabled. */
  async resolveSession(sessionToken: string): Promise<Principal | null> {
    if (sessionToken.length === 0 || sessionToken.length > 200) return null;
    const session = await this.prisma.session.findUnique({ where: { tokenHash: hashSecret(sessionToken) }, include: { user: true } });
    if (session === null || session.expiresAt.getTime() <= Date.now() || session.user.disabledAt !== null) return null;
    return { userId: session.user.id, username: session.user.username, role: session.user.role, via: "session" };
  }

  /** Ends a session; does nothing when it does not exist. */
  async signOut(sessionToken: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { tokenHash: hashSecret(sessionToken) } });
  }

  /** Creates an API token for a user. Returns the secret (shown only this once) and the stored view. */
  async createApiToken(input: NewApiToken): Promise<{ token: string; view: ApiTokenView }> {
    const request = parseInput(newApiTokenSchema, input);
    const user = await this.prisma.user.findUnique({ where: { id: request.userId } });
    if (user === null) throw new AuthError("not_found", `user ${request.userId} not found`);
    if (user.disabledAt !== null) throw new AuthError("invalid_input", `user "${user.username}" is disabled; enable or recreate the user before creating tokens`);
    const token = generateSecret(API_TOKEN_PREFIX);
    const expiresAt = request.expiresInDays === undefined ? null : new Date(Date.now() + request.expiresInDays * 86_400_000);
    const row = await this.prisma.apiToken.create({
      data: { name: request.name, tokenHash: hashSecret(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 8), userId: user.id, expiresAt },
    });
    return { token, view: { ...toTokenView(row), username: user.username } };
  }

  /** Lists API tokens, newest first, optionally of one user; revoked tokens are included. */
  async listApiTokens(userId?: string): Promise<ApiTokenView[]> {
    const rows = await this.prisma.apiToken.findMany({
      where: userId === undefined ? {} : { userId },
      include: { user: { select: { username: true } } },
      orderBy: { createdAt: "desc" },
    });
    return rows.map((row) => ({ ...toTokenView(row), username: row.user.username }));
  }

  /** Revokes a token by id; throws AuthError(not_found) when there is no such token. Revoking twice keeps the first time. */
  async revokeApiToken(id: string): Promise<void> {
    const tokenId = parseInput(idSchema, id);
    const found = await this.prisma.apiToken.findUnique({ where: { id: tokenId } });
    if (found === null) throw new AuthError("not_found", `API token ${tokenId} not found; list tokens to see their ids`);
    await this.prisma.apiToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: new Date() } });
    this.tokenCache.clear();
  }

  /** Returns the caller of an API token, or null when the token is unknown, revoked, expired or its user is disabled. */
  async resolveApiToken(token: string): Promise<Principal | null> {
    if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return null;
    const tokenHash = hashSecret(token);
    const cached = this.tokenCache.get(tokenHash);
    if (cached !== undefined) {
      if (cached.validUntil > Date.now()) return cached.principal;
      this.tokenCache.delete(tokenHash);
    }
    const row = await this.prisma.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
    if (row === null || row.revokedAt !== null || row.user.disabledAt !== null) return null;
    if (row.expiresAt !== null && row.expiresAt.getTime() <= Date.now()) return null;
    if (row.lastUsedAt === null || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
    }
    const principal: Principal = { userId: row.user.id, username: row.user.username, role: row.user.role, via: "token", tokenId: row.id };
    if (this.tokenCacheMs > 0) this.cacheToken(tokenHash, principal, row.expiresAt);
    return principal;
  }

  private cacheToken(tokenHash: string, principal: Principal, expiresAt: Date | null): void {
    const validUntil = Math.min(Date.now() + this.tokenCacheMs, expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
    if (this.tokenCache.size >= MAX_CACHED_TOKENS) {
      const oldest = this.tokenCache.keys().next();
      if (oldest.done !== true) this.tokenCache.delete(oldest.value);
    }
    this.tokenCache.set(tokenHash, { principal, validUntil });
  }
}

function toTokenView(row: { id: string; name: string; prefix: string; userId: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null }): Omit<ApiTokenView, "username"> {
  return { id: row.id, name: row.name, prefix: row.prefix, userId: row.userId, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, expiresAt: row.expiresAt, revokedAt: row.revokedAt };
}

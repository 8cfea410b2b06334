import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "./generated/client";

export interface PrismaClientOptions {
  /** Maximum connections in the client's pool. node-postgres defaults to 10. */
  maxConnections?: number;
}

/**
 * Creates a Prisma client for the database at `url` through the node-postgres driver adapter.
 * Each call opens its own pool, so create one client per process (or per test database) and
 * call `$disconnect()` when done.
 */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  if (options.maxConnections !== undefined && (!Number.isInteger(options.maxConnections) || options.maxConnections < 1)) {
    throw new RangeError(`maxConnections must be a whole number of at least 1 (got ${String(options.maxConnections)})`);
  }
  const adapter = new PrismaPg({ connectionString: url, ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }) });
  return new PrismaClient({ adapter });
}

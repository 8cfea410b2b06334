/**
 * Generates the Prisma client into packages/core/src/db/generated (git-ignored), offline.
 * Run by `npm run db:generate`, by the root postinstall script and by the test global setup.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const prismaDir = dirname(fileURLToPath(import.meta.url));
const rootDir = resolve(prismaDir, "..");
const schemaPath = join(prismaDir, "schema.prisma");
const outputDir = join(rootDir, "packages/core/src/db/generated");
const stampPath = join(outputDir, ".schema-sha256");

/** Returns the sha256 of schema.prisma plus the Prisma CLI version, which together determine the generated code. */
function schemaFingerprint(): string {
  const require = createRequire(import.meta.url);
  const { version } = require("prisma/package.json") as { version: string };
  return createHash("sha256").update(readFileSync(schemaPath)).update(version).digest("hex");
}

/**
 * Runs `prisma generate` unless the generated client already matches schema.prisma (or `force`
 * is set). Throws when the CLI fails, with its output in the message.
 */
export function generatePrismaClient(options: { force?: boolean } = {}): { generated: boolean } {
  const fingerprint = schemaFingerprint();
  const upToDate = existsSync(stampPath) && readFileSync(stampPath, "utf8") === fingerprint;
  if (upToDate && !options.force) {
    return { generated: false };
  }

  // `prisma generate` itself does not use the schema engine, but the CLI first tries to download
  // the engine binary, which fails without internet access. It skips that download when
  // PRISMA_SCHEMA_ENGINE_BINARY names an existing file, and generate succeeds with a file that is
  // not even executable (Prisma 7.10), so it points at the schema file. Set the variable yourself
  // to use a real engine binary.
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || schemaPath };
  const cli = join(rootDir, "node_modules/prisma/build/index.js");
  const result = spawnSync(process.execPath, [cli, "generate", "--schema", schemaPath], { cwd: rootDir, env, encoding: "utf8" });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
    throw new Error(`prisma generate failed with exit code ${String(result.status)}:\n${output}`);
  }

  writeFileSync(stampPath, fingerprint);
  return { generated: true };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { generated } = generatePrismaClient({ force: process.argv.includes("--force") });
  console.log(generated ? `Generated the Prisma client into ${outputDir}` : "The Prisma client is up to date with prisma/schema.prisma");
}

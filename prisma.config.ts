import { defineConfig } from "prisma/config";

// Configuration of the Prisma CLI (generate, studio, and migrate on machines that have the schema
// engine). The application itself connects through createPrismaClient() in @maskfill/core/db.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/maskfill" },
});

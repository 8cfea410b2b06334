import { generatePrismaClient } from "../../../../prisma/generate-client";

/** Vitest global setup: makes sure the generated Prisma client matches prisma/schema.prisma before any test imports it. */
export default function setup(): void {
  generatePrismaClient();
}

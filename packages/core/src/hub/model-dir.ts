import { join } from "node:path";

/** Directory a fetched repository goes to under `parentDir`: its name without the owner. */
export function modelDirFor(parentDir: string, repo: string): string {
  const name = repo.split("/").at(-1) ?? repo;
  return join(parentDir, name);
}

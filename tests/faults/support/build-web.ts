import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Vitest global setup: builds the web app once, because the suite runs `next start`. */
export default function setup(): void {
  const webRoot = fileURLToPath(new URL("../../../apps/web", import.meta.url));
  const result = spawnSync("npx", ["next", "build"], { cwd: webRoot, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

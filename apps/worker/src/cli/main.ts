import { UsageError } from "./cli-options.ts";
import { commands } from "./commands/index.ts";

/** Prints the list of subcommands. */
function printUsage(): void {
  const lines = ["Usage: maskfill <command> [options]", "", "Commands:"];
  for (const [name, command] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(14)} ${command.summary}`);
  }
  lines.push("", "Run `maskfill <command> --help` for the options of one command.");
  process.stdout.write(lines.join("\n") + "\n");
}

// A closed stdout (`maskfill fill ... | head -1`) ends the run quietly, as other Unix tools do,
// instead of an uncaught EPIPE with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === "--help" || name === "-h" || name === "help") {
  printUsage();
  process.exit(name === undefined ? 1 : 0);
}
const command = commands[name];
if (command === undefined) {
  process.stderr.write(`maskfill: unknown command "${name}". Run \`maskfill --help\` for the list.\n`);
  process.exit(2);
}
try {
  process.exitCode = await command.run(rest);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`maskfill ${name}: ${message}\n`);
  process.exitCode = isUsageError(error) ? 2 : 1;
}

/** Tells a wrong command line (exit code 2, as usual for CLIs) from a failed run (exit code 1). */
function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  return error instanceof TypeError && "code" in error && typeof error.code === "string" && error.code.startsWith("ERR_PARSE_ARGS_");
}

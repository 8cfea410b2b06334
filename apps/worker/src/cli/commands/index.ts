import { fillCommand } from "./fill.ts";
import { modelCommand } from "./model.ts";
import { scoreCommand } from "./score.ts";
import { submitCommand } from "./submit.ts";
import { tokensCommand } from "./tokens.ts";
import { usersCommand } from "./users.ts";
import { workerCommand } from "./worker.ts";

/** A CLI subcommand: `run` receives the arguments after the command name and returns the exit code. */
export interface CliCommand {
  summary: string;
  run(args: string[]): Promise<number>;
}

/**
 * Registry of subcommands. Each command lives in its own file in this folder;
 * add one line here per command (for `maskfill model fetch`, register "model").
 */
export const commands: Record<string, CliCommand> = {
  fill: fillCommand,
  model: modelCommand,
  score: scoreCommand,
  submit: submitCommand,
  tokens: tokensCommand,
  users: usersCommand,
  worker: workerCommand,
};

import { processIo, type CliIo } from "../model/cli-io.ts";
import { runModelFetch } from "../model/fetch-command.ts";
import { runModelPrepare } from "./model-prepare.ts";
import { runModelQuantize } from "./model-quantize.ts";
import type { CliCommand } from "./index.ts";

/** A subcommand of `maskfill model`. */
interface ModelSubcommand {
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Subcommands of `maskfill model`; add further ones (such as `prepare`) here. */
const subcommands: Record<string, ModelSubcommand> = {
  fetch: { summary: "Download an ONNX model from the Hugging Face Hub", run: runModelFetch },
  prepare: { summary: "Rewrite the ONNX graph to compute the LM head only at masked positions", run: runModelPrepare },
  quantize: { summary: "Write an int8 model_quantized.onnx from the float32 model.onnx", run: runModelQuantize },
};

function usage(): string {
  const lines = ["Usage: maskfill model <subcommand> [options]", "", "Subcommands:"];
  for (const [name, subcommand] of Object.entries(subcommands)) {
    lines.push(`  ${name.padEnd(10)} ${subcommand.summary}`);
  }
  lines.push("", "Run `maskfill model <subcommand> --help` for its options.");
  return `${lines.join("\n")}\n`;
}

/** Builds the `maskfill model` command with the given streams and environment. */
export function createModelCommand(io: CliIo): CliCommand {
  return {
    summary: "Manage model files (fetch from the Hugging Face Hub)",
    async run(args) {
      const [name, ...rest] = args;
      if (name === undefined || name === "--help" || name === "-h" || name === "help") {
        io.stdout.write(usage());
        return name === undefined ? 2 : 0;
      }
      const subcommand = subcommands[name];
      if (subcommand === undefined) {
        io.stderr.write(`maskfill model: unknown subcommand "${name}".\n${usage()}`);
        return 2;
      }
      return subcommand.run(rest, io);
    },
  };
}

/** `maskfill model`: model file management, one subcommand per task. */
export const modelCommand: CliCommand = createModelCommand(processIo);

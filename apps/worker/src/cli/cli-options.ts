import { parseArgs, type ParseArgsConfig } from "node:util";

/** Raised for a wrong command line (unknown option, invalid value); the CLI exits with 2. Retrying the same command cannot help. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly retryable = false;
}

/**
 * Parses a command line with node:util parseArgs, and throws UsageError naming the option for an
 * unknown option, a missing value or an unexpected argument. A negative number after a string
 * option (`--top-k -1`) is taken as its value, so the option's own range check reports it.
 */
export function parseCliArgs<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T, command: string) {
  const stringOptions = new Set(Object.entries(options).filter(([, option]) => option.type === "string").map(([name]) => `--${name}`));
  const joined: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (stringOptions.has(arg) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else {
      joined.push(arg);
    }
  }
  try {
    return parseArgs({ args: joined, options, allowPositionals: true, strict: true });
  } catch (error) {
    if (error instanceof TypeError && "code" in error && typeof error.code === "string" && error.code.startsWith("ERR_PARSE_ARGS_")) {
      throw new UsageError(`${describeParseError(error.code, error.message)} Run \`maskfill ${command} --help\` for the options.`);
    }
    throw error;
  }
}

/** Shortens a parseArgs message to its first sentence; Node's text goes on about positional arguments. */
function describeParseError(code: string, message: string): string {
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option !== undefined) return `Unknown option '${option}'.`;
  if (message.includes("argument missing") && option !== undefined) return `${option} is missing its value.`;
  const firstLine = (message.split("\n")[0] ?? message).trim();
  return firstLine.endsWith(".") ? firstLine : `${firstLine}.`;
}

/**
 * Parses a whole-number option and throws UsageError naming the option, the value and its range.
 * `max` is a number or a phrase such as "the model's vocabulary size", which the caller checks
 * later. Values past Number.MAX_SAFE_INTEGER are out of range too. Returns undefined when absent.
 */
export function integerOption(name: string, value: string | undefined, min: number, max?: number | string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  const belowMax = typeof max !== "number" || parsed <= max;
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || !belowMax) {
    let range = `of at least ${min}`;
    if (max !== undefined) {
      range = `from ${min} to ${max}`;
    } else if (parsed > Number.MAX_SAFE_INTEGER) {
      range = `from ${min} to ${Number.MAX_SAFE_INTEGER}`;
    }
    throw new UsageError(`--${name} must be an integer ${range}; got "${value}".`);
  }
  return parsed;
}

/** Checks that an option is one of `allowed`, naming the option and the choices in the error. Returns undefined when absent. */
export function choiceOption<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    const choices = allowed.length <= 2 ? allowed.join(" or ") : `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`;
    throw new UsageError(`--${name} must be ${choices}; got "${value}".`);
  }
  return value as T;
}

/** Returns the single model directory argument of a `maskfill model` subcommand; throws UsageError otherwise. */
export function modelDirectoryArgument(positionals: readonly string[], command: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(`expected one model directory, got ${positionals.length}${positionals.length > 0 ? `: ${positionals.join(" ")}` : ""}. Run \`maskfill ${command} --help\`.`);
  }
  const modelDir = positionals[0]!;
  if (modelDir.trim() === "") {
    throw new UsageError("the model directory is an empty string; pass the directory that contains model.onnx.");
  }
  return modelDir;
}

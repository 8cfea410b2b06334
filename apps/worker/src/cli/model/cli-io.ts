/** Output streams and environment of a CLI run, injectable so that tests can capture them. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** The process's own streams and environment. */
export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };

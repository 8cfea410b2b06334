import pino from "pino";

/** Structured logger of the web app's server side; the level comes from LOG_LEVEL (default info). */
export const logger = pino({
  name: "maskfill-web",
  level: process.env["LOG_LEVEL"] ?? "info",
});

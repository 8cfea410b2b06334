import { createLogger } from "@maskfill/core/queue";

/** Structured logger of the web app's server side; the level comes from LOG_LEVEL (default info). */
export const logger = createLogger("web");

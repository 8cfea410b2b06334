export { ConfigError, envSchema, loadConfig, redact, type MaskfillConfig } from "./env.ts";

export { ConfigError, envSchema, loadConfig, type MaskfillConfig } from "./env.ts";

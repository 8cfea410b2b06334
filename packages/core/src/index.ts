export * from "./engine/index.ts";
export * from "./corpus/index.ts";
export * from "./scoring/index.ts";
export * from "./hub/index.ts";

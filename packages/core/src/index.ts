export * from "./engine/index.ts";
export * from "./corpus/index.ts";

#!/usr/bin/env node
// Entry point of the `maskfill` CLI. The sources are TypeScript, run through tsx's loader.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");

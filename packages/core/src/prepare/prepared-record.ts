import { z } from "zod";
import type { RewriteSummary } from "./rewrite-graph.ts";

const fileSchema = z.object({ file: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/u) });

/** Schema of `<name>.prepared.json`, checked when the engine loads a prepared graph. */
export const preparedRecordSchema = z.looseObject({
  formatVersion: z.number().int(),
  createdAt: z.string(),
  source: fileSchema,
  prepared: fileSchema,
  irVersion: z.number().int(),
  opsets: z.record(z.string(), z.number().int()),
  externalDataFiles: z.array(z.string()),
  hiddenState: z.string(),
  headNodes: z.array(z.string()),
  approximate: z.boolean(),
});

/** The record written beside a prepared graph: what was changed, from which file. */
export type PreparedRecord = z.infer<typeof preparedRecordSchema> & RewriteSummary & { io: Record<string, string> };

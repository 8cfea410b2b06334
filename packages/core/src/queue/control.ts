import { z } from "zod";

/** Request to load a model; the whole fleet switches unless `workerId` names one worker. */
export const loadModelMessageSchema = z.strictObject({
  type: z.literal("load-model"),
  /** Model directory on the worker's file system; omit to reload the current model. */
  modelDir: z.string().trim().min(1, { error: "modelDir must not be empty; omit it to reload the current model" }).optional(),
  variant: z.enum(["fp32", "quantized", "fp16"], { error: "variant must be fp32, quantized or fp16" }).optional(),
  workerId: z.string().min(1).optional(),
});

/** Messages on the control channel. */
export const controlMessageSchema = z.discriminatedUnion("type", [loadModelMessageSchema]);

export type ControlMessage = z.infer<typeof controlMessageSchema>;
export type LoadModelMessage = z.infer<typeof loadModelMessageSchema>;

/** The model the fleet was last asked to serve, stored so that workers started later load it too. */
export const desiredModelSchema = z.object({
  modelDir: z.string(),
  variant: z.enum(["fp32", "quantized", "fp16"]).optional(),
});
export type DesiredModel = z.infer<typeof desiredModelSchema>;

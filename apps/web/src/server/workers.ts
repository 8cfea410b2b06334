import type { WorkerState } from "@maskfill/core/queue";
import type { WorkerView } from "../lib/api-types.ts";

/** Maps a worker's published state to the API's WorkerView. */
export function toWorkerView(state: WorkerState): WorkerView {
  return {
    id: state.id,
    hostname: state.host,
    pid: state.pid,
    status: state.status,
    error: state.error,
    model:
      state.model === null
        ? null
        : {
            name: state.model.name,
            modelDir: state.model.modelDir,
            variant: state.model.variant,
            parameterCount: state.model.parameterCount,
            executionProvider: state.model.executionProvider,
            device: state.model.device,
            demoModel: state.model.demoModel,
          },
    loadMs: state.model?.loadMs ?? null,
    throughput: state.throughput,
    sentencesProcessed: state.sentences,
    lastSeenAt: state.updatedAt,
  };
}

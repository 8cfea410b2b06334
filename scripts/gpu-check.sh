#!/usr/bin/env bash
# GPU check: installs onnxruntime-node's CUDA 12 provider, prepares a roberta-large-shaped
# model, runs the prepared-graph exactness tests on the GPU and the benchmark, and prints
# fill-mask sentences/s and scoring tokens/s. Meant to finish within 8 minutes on one GPU.
#
# Usage: scripts/gpu-check.sh
# Environment:
#   MODEL_DIR            model directory to use (default: build one with make-random-roberta)
#   MAKE_RANDOM_ROBERTA  path of the make-random-roberta tool (default: found on PATH)
#   ORT_CUDA_LIB_DIR     folder with libonnxruntime_providers_{cuda,shared,tensorrt}.so from the
#                        Microsoft.ML.OnnxRuntime.Gpu.Linux NuGet package of the installed
#                        onnxruntime-node version; without it the script downloads them, which needs
#                        access to api.nuget.org
#   CUDA_VISIBLE_DEVICES which GPU to use (one process per GPU; default: GPU 0)
#   TOKEN_BUDGET         padded tokens per batch on the GPU (default 16384)
set -euo pipefail

cd "$(dirname "$0")/.."
started=$(date +%s)
export CUDA_VISIBLE_DEVICES="${CUDA_VISIBLE_DEVICES:-0}"
token_budget="${TOKEN_BUDGET:-16384}"
ort_bin="node_modules/onnxruntime-node/bin/napi-v6/linux/x64"

step() {
  printf '\n== %s (%ss elapsed)\n' "$1" "$(($(date +%s) - started))"
}

step "checkout"
if [ ! -d node_modules/onnxruntime-node ]; then
  echo "gpu-check: node_modules/onnxruntime-node is missing; run \`npm ci\` in this checkout first (it needs the npm registry)." >&2
  exit 1
fi
node --version

step "GPU"
if ! command -v nvidia-smi >/dev/null; then
  echo "gpu-check: nvidia-smi not found; run this on a machine with an NVIDIA driver." >&2
  exit 1
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

step "onnxruntime-node CUDA provider"
if [ -f "$ort_bin/libonnxruntime_providers_cuda.so" ]; then
  echo "already installed in $ort_bin"
elif [ -n "${ORT_CUDA_LIB_DIR:-}" ]; then
  cp "$ORT_CUDA_LIB_DIR"/libonnxruntime_providers_{cuda,shared,tensorrt}.so "$ort_bin/"
  echo "copied from $ORT_CUDA_LIB_DIR"
else
  # The flag is documented in onnxruntime-node's script/install.js (1.31): it downloads the
  # CUDA 12 provider libraries from NuGet into the package's bin folder.
  npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12
fi
node -e '
const ort = require("onnxruntime-node");
const backends = ort.listSupportedBackends ? ort.listSupportedBackends() : [];
console.log("onnxruntime-node", ort.env.versions.common, "backends:", JSON.stringify(backends));
'

step "model"
if [ -z "${MODEL_DIR:-}" ]; then
  MODEL_DIR="bench-models/roberta-large"
  if [ ! -f "$MODEL_DIR/model.onnx" ]; then
    tool="${MAKE_RANDOM_ROBERTA:-$(command -v make-random-roberta || true)}"
    if [ -z "$tool" ]; then
      echo "gpu-check: set MODEL_DIR to a model directory, or MAKE_RANDOM_ROBERTA to the make-random-roberta tool." >&2
      exit 1
    fi
    "$tool" large "$MODEL_DIR"
  fi
fi
echo "model: $MODEL_DIR"

# The model directory itself is not written to: the prepared graph goes to a work directory
# whose model files are symlinks.
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/maskfill-gpu-check-XXXXXX")"
trap 'rm -rf "$work_dir"' EXIT
for file in model.onnx config.json tokenizer.json tokenizer_config.json; do
  ln -s "$(realpath "$MODEL_DIR/$file")" "$work_dir/$file"
done

step "prepare"
timeout 300 node apps/worker/bin/maskfill.js model prepare "$work_dir" --no-verify

step "golden and exactness tests on the GPU"
# TF32 matrix multiplies on the GPU round differently for the two graphs' GEMM shapes, so the
# comparisons use looser tolerances than the CPU checks (1e-5); PROBABILITY_TOLERANCE and
# LOG_PROB_TOLERANCE override them.
export MASKFILL_EXECUTION_PROVIDER=cuda
MASKFILL_PREPARED_CHECK_DIR="$MODEL_DIR" MASKFILL_PREPARED_LOG_PROB_TOLERANCE="${LOG_PROB_TOLERANCE:-1e-3}" MASKFILL_PREPARED_TOLERANCE="${PROBABILITY_TOLERANCE:-1e-4}" \
  timeout 240 npx vitest run packages/core/test/prepare/exactness.test.ts packages/core/test/prepare/engine-prepared.test.ts packages/core/test/prepare/full-size.test.ts

step "benchmark"
fill_json="$work_dir/fill-mask.json"
score_json="$work_dir/scoring.json"
timeout 150 npx tsx scripts/bench-prepared.ts --model "$work_dir" --provider cuda --mode fill-mask --limit 1024 --token-budget "$token_budget" --json >"$fill_json"
timeout 150 npx tsx scripts/bench-prepared.ts --model "$work_dir" --provider cuda --mode scoring --limit 64 --token-budget "$token_budget" --json >"$score_json"
node -e '
const [fill, score] = process.argv.slice(1).map((path) => JSON.parse(require("fs").readFileSync(path, "utf8")));
console.log(`fill-mask: ${fill.result.sentencesPerSecond.toFixed(1)} sentences/s (${fill.result.sentences} sentences, prepared graph: ${fill.result.prepared})`);
console.log(`scoring: ${score.result.preparedTokensPerSecond.toFixed(0)} scored tokens/s with the prepared graph, ${score.result.fullLogitsTokensPerSecond.toFixed(0)} with full logits (${score.result.speedup.toFixed(2)}x, max log-probability difference ${score.result.maxLogProbDifference.toExponential(2)})`);
' "$fill_json" "$score_json"

step "done"

# syntax=docker/dockerfile:1
# One image build for every maskfill service. Targets:
#   app  - CPU worker, migrate step and CLI (onnxruntime-node CPU binaries)
#   web  - the Next.js dashboard and HTTP API
#   gpu  - worker with the CUDA 12 execution provider of onnxruntime-node
# See docs/queue.md ("Running with Docker Compose").

FROM node:20-bookworm-slim AS app
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# Dependencies first, so source edits do not invalidate the npm ci layer. The postinstall script
# generates the Prisma client from prisma/schema.prisma, so the prisma folder comes along.
COPY package.json package-lock.json .npmrc ./
COPY packages/core/package.json packages/core/
COPY apps/worker/package.json apps/worker/
COPY apps/web/package.json apps/web/
COPY prisma prisma
COPY prisma.config.ts ./
RUN npm ci
COPY . .
CMD ["npm", "run", "worker"]

FROM app AS web
RUN npm run -w @maskfill/web build
EXPOSE 3000
CMD ["npm", "run", "-w", "@maskfill/web", "start"]

# CUDA 12 runtime and cuDNN 9 libraries for onnxruntime's CUDA execution provider; the NVIDIA
# container toolkit adds the driver at run time.
FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04 AS gpu
COPY --from=app /usr/local/bin/node /usr/local/bin/node
COPY --from=app /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
WORKDIR /app
COPY --from=app /app /app
# .npmrc skips onnxruntime-node's CUDA download for CPU installs; the environment variable takes
# precedence over it, so this rebuild downloads the CUDA 12 provider binaries (needs internet).
RUN ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node
ENV MASKFILL_EXECUTION_PROVIDER=cuda
CMD ["npm", "run", "worker"]

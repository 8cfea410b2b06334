# One image build for every maskfill service. Targets:
#   app  - CPU worker, migrate step and CLI (onnxruntime-node CPU binaries)
#   web  - the Next.js dashboard and HTTP API
#   gpu  - worker with the CUDA 12 execution provider of onnxruntime-node
# See the "Docker Compose" section of docs/queue.md.
# There is no `# syntax=` line because the builder's built-in Dockerfile frontend covers every
# instruction here, so a build pulls no frontend image from Docker Hub.

FROM node:20-bookworm-slim AS app
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# Dependencies first, so source edits do not invalidate the npm ci layer. The postinstall script
# generates the Prisma client from prisma/schema.prisma, so the prisma folder comes along.
COPY package.json package-lock.json .npmrc ./
COPY packages/core/package.json packages/core/
COPY apps/worker/package.json apps/worker/
COPY apps/web/package.json apps/web/
# npm ci links node_modules/.bin/maskfill only if the bin file already exists, so `npx maskfill`
# needs the CLI entry point in this layer too.
COPY apps/worker/bin apps/worker/bin/
COPY prisma prisma
COPY prisma.config.ts ./
RUN npm ci
COPY . .
# Node runs as PID 1 (the npm "worker" script without npm), so the SIGTERM of `docker stop` starts
# the worker's graceful shutdown. Under `npm run`, the `sh -c` between npm and node exits on
# SIGTERM without passing it on, and node is killed without finishing its jobs.
CMD ["node", "--import", "tsx", "apps/worker/src/main.ts"]

FROM app AS web
RUN npm run -w @maskfill/web build
EXPOSE 3000
# `next start` directly rather than through npm, for the same signal handling as the worker.
CMD ["node_modules/.bin/next", "start", "apps/web"]

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
CMD ["node", "--import", "tsx", "apps/worker/src/main.ts"]

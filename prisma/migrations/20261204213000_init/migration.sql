-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "job_kind" AS ENUM ('fill_mask', 'scoring');

-- CreateEnum
CREATE TYPE "job_source" AS ENUM ('sentence', 'corpus');

-- CreateEnum
CREATE TYPE "job_status" AS ENUM ('queued', 'running', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "item_status" AS ENUM ('pending', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "score_variant" AS ENUM ('original', 'within_word_l2r');

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "job_kind" NOT NULL,
    "source" "job_source" NOT NULL,
    "status" "job_status" NOT NULL DEFAULT 'queued',
    "options" JSONB NOT NULL DEFAULT '{}',
    "model_name" TEXT NOT NULL,
    "model_variant" TEXT NOT NULL,
    "items_total" INTEGER NOT NULL DEFAULT 0,
    "items_done" INTEGER NOT NULL DEFAULT 0,
    "items_failed" INTEGER NOT NULL DEFAULT 0,
    "file_name" TEXT,
    "file_size" INTEGER,
    "error_code" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_items" (
    "job_id" UUID NOT NULL,
    "line_number" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "status" "item_status" NOT NULL DEFAULT 'pending',
    "error_code" TEXT,
    "error" TEXT,
    "window_start" INTEGER,
    "window_end" INTEGER,

    CONSTRAINT "job_items_pkey" PRIMARY KEY ("job_id","line_number")
);

-- CreateTable
CREATE TABLE "fill_mask_results" (
    "job_id" UUID NOT NULL,
    "line_number" INTEGER NOT NULL,
    "mask_index" INTEGER NOT NULL,
    "rank" INTEGER NOT NULL,
    "token_id" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "probability" DOUBLE PRECISION NOT NULL,
    "sequence" TEXT NOT NULL,

    CONSTRAINT "fill_mask_results_pkey" PRIMARY KEY ("job_id","line_number","mask_index","rank")
);

-- CreateTable
CREATE TABLE "sentence_scores" (
    "job_id" UUID NOT NULL,
    "line_number" INTEGER NOT NULL,
    "variant" "score_variant" NOT NULL,
    "model_name" TEXT NOT NULL,
    "pll" DOUBLE PRECISION NOT NULL,
    "token_count" INTEGER NOT NULL,
    "mean_pll" DOUBLE PRECISION NOT NULL,
    "pseudo_perplexity" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "sentence_scores_pkey" PRIMARY KEY ("job_id","line_number")
);

-- CreateTable
CREATE TABLE "token_scores" (
    "job_id" UUID NOT NULL,
    "line_number" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "token_id" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "word_index" INTEGER NOT NULL,
    "log_prob" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "token_scores_pkey" PRIMARY KEY ("job_id","line_number","position")
);

-- CreateIndex
CREATE INDEX "jobs_status_created_at_idx" ON "jobs"("status", "created_at");

-- CreateIndex
CREATE INDEX "jobs_created_at_idx" ON "jobs"("created_at");

-- CreateIndex
CREATE INDEX "job_items_job_id_status_idx" ON "job_items"("job_id", "status");

-- CreateIndex
CREATE INDEX "job_items_text_idx" ON "job_items" USING GIN ("text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "fill_mask_results_job_id_token_rank_idx" ON "fill_mask_results"("job_id", "token", "rank");

-- CreateIndex
CREATE INDEX "fill_mask_results_job_id_probability_idx" ON "fill_mask_results"("job_id", "probability");

-- CreateIndex
CREATE INDEX "sentence_scores_job_id_mean_pll_idx" ON "sentence_scores"("job_id", "mean_pll");

-- CreateIndex
CREATE INDEX "sentence_scores_job_id_pll_idx" ON "sentence_scores"("job_id", "pll");

-- AddForeignKey
ALTER TABLE "job_items" ADD CONSTRAINT "job_items_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fill_mask_results" ADD CONSTRAINT "fill_mask_results_job_id_line_number_fkey" FOREIGN KEY ("job_id", "line_number") REFERENCES "job_items"("job_id", "line_number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sentence_scores" ADD CONSTRAINT "sentence_scores_job_id_line_number_fkey" FOREIGN KEY ("job_id", "line_number") REFERENCES "job_items"("job_id", "line_number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "token_scores" ADD CONSTRAINT "token_scores_job_id_line_number_fkey" FOREIGN KEY ("job_id", "line_number") REFERENCES "sentence_scores"("job_id", "line_number") ON DELETE CASCADE ON UPDATE CASCADE;

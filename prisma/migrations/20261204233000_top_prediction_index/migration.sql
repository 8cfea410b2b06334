-- The results table sorts a job's items by the probability of the first mask's top prediction.
-- The (job_id, probability) index also contains the rank 2 and 3 predictions, which have lower
-- probabilities, so an ascending scan skipped them first: about 1 s for the first page of a job
-- with one million items. The partial index contains only the rows that this order reads. It
-- replaces the old index, which no other query used.

-- DropIndex
DROP INDEX "fill_mask_results_job_id_probability_idx";

-- CreateIndex
CREATE INDEX "fill_mask_results_job_id_probability_line_number_idx" ON "fill_mask_results"("job_id", "probability", "line_number") WHERE rank = 1 AND mask_index = 0;

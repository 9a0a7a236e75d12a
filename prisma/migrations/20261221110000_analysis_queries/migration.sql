-- The query shown beside a verdict is the one that produced it: the grouped query's part, which
-- covers every rollout of the pass. Its text is stored once (by SHA-256), not once per evaluation,
-- and each evaluation keeps the labels of its rollout's series in the answer.

-- CreateTable
CREATE TABLE "analysis_queries" (
    "hash" TEXT NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "analysis_queries_pkey" PRIMARY KEY ("hash")
);

-- AlterTable
ALTER TABLE "analysis_evaluations" ADD COLUMN     "query_hash" TEXT,
ADD COLUMN     "query_series" JSONB;

-- CreateIndex
CREATE INDEX "analysis_evaluations_query_hash_idx" ON "analysis_evaluations"("query_hash");

-- AddForeignKey
ALTER TABLE "analysis_evaluations" ADD CONSTRAINT "analysis_evaluations_query_hash_fkey" FOREIGN KEY ("query_hash") REFERENCES "analysis_queries"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

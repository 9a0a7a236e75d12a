-- Automated analysis: the rollout's analysis block and every gate evaluation.

-- AlterTable
ALTER TABLE "rollouts" ADD COLUMN     "analysis" JSONB;

-- CreateTable
CREATE TABLE "analysis_evaluations" (
    "id" BIGSERIAL NOT NULL,
    "rollout_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "gate" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "threshold" DOUBLE PRECISION,
    "unit" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "query" TEXT,
    "window" TEXT NOT NULL,
    "step" INTEGER,
    "canary_weight" INTEGER NOT NULL,
    "evidence" JSONB,

    CONSTRAINT "analysis_evaluations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "analysis_evaluations_rollout_id_at_idx" ON "analysis_evaluations"("rollout_id", "at");

-- CreateIndex
CREATE INDEX "analysis_evaluations_at_idx" ON "analysis_evaluations"("at");

-- AddForeignKey
ALTER TABLE "analysis_evaluations" ADD CONSTRAINT "analysis_evaluations_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Rollouts the analysis loop left for a later pass for lack of query budget
-- (lib/domain/analysis/query-budget.ts): one row per waiting rollout, written by the leader,
-- read by the rollout's page in any replica, deleted when the rollout is evaluated again.

-- CreateTable
CREATE TABLE "analysis_deferrals" (
    "rollout_id" UUID NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "wanted" INTEGER NOT NULL,
    "left" INTEGER NOT NULL,
    "budget" INTEGER NOT NULL,

    CONSTRAINT "analysis_deferrals_pkey" PRIMARY KEY ("rollout_id")
);

-- AddForeignKey
ALTER TABLE "analysis_deferrals" ADD CONSTRAINT "analysis_deferrals_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

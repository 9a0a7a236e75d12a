-- Answers fetched through the egress guard: an approval check's result keeps the size and a
-- SHA-256 of the bytes read (the excerpt is now only of text answers, credentials masked), and
-- "Run checks" has a cooldown per rollout, claimed in one statement across replicas.

-- AlterTable
ALTER TABLE "approval_check_results" ADD COLUMN     "size_bytes" INTEGER,
ADD COLUMN     "body_sha256" TEXT;

-- CreateTable
CREATE TABLE "approval_check_runs" (
    "rollout_id" UUID NOT NULL,
    "last_run_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "approval_check_runs_pkey" PRIMARY KEY ("rollout_id")
);

-- AddForeignKey
ALTER TABLE "approval_check_runs" ADD CONSTRAINT "approval_check_runs_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

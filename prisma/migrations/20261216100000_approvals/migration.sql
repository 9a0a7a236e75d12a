-- Approvals before promotion and freeze windows: a rollout's approvals block, its ticked
-- checklist items, its HTTP checks' results, and the freeze windows (global, admin-managed).

-- AlterTable
ALTER TABLE "rollouts" ADD COLUMN     "approvals" JSONB;

-- CreateTable
CREATE TABLE "approval_ticks" (
    "rollout_id" UUID NOT NULL,
    "item_id" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "actor_email" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "approval_ticks_pkey" PRIMARY KEY ("rollout_id","item_id")
);

-- CreateTable
CREATE TABLE "approval_check_results" (
    "id" BIGSERIAL NOT NULL,
    "rollout_id" UUID NOT NULL,
    "check_name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "expect_status" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "status" INTEGER,
    "latency_ms" INTEGER NOT NULL,
    "excerpt" TEXT,
    "error" TEXT,
    "actor_id" TEXT NOT NULL,

    CONSTRAINT "approval_check_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "freeze_windows" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "zone" TEXT NOT NULL,
    "rule" JSONB NOT NULL,
    "namespaces" JSONB NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "freeze_windows_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "approval_check_results_rollout_id_check_name_at_idx" ON "approval_check_results"("rollout_id", "check_name", "at");

-- AddForeignKey
ALTER TABLE "approval_ticks" ADD CONSTRAINT "approval_ticks_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_check_results" ADD CONSTRAINT "approval_check_results_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

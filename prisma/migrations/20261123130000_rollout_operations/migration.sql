-- CreateEnum
CREATE TYPE "OperationStatus" AS ENUM ('pending', 'applied', 'failed');

-- AlterTable
ALTER TABLE "rollouts" ADD COLUMN     "step_started_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "rollout_operations" (
    "id" BIGSERIAL NOT NULL,
    "rollout_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "status" "OperationStatus" NOT NULL DEFAULT 'pending',
    "from_state" JSONB NOT NULL,
    "to_state" JSONB NOT NULL,
    "resource_version_before" TEXT,
    "resource_version_after" TEXT,
    "actor_id" TEXT NOT NULL,
    "actor_email" TEXT,
    "actor_role" TEXT,
    "reason" TEXT,
    "request_id" TEXT,
    "client_address" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "rollout_operations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rollout_operations_rollout_id_status_idx" ON "rollout_operations"("rollout_id", "status");

-- AddForeignKey
ALTER TABLE "rollout_operations" ADD CONSTRAINT "rollout_operations_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

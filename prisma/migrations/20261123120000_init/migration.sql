-- CreateEnum
CREATE TYPE "RolloutStatus" AS ENUM ('draft', 'progressing', 'paused', 'promoted', 'rolled_back', 'archived');

-- CreateTable
CREATE TABLE "rollouts" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "cluster" TEXT NOT NULL DEFAULT 'default',
    "virtual_service" TEXT NOT NULL,
    "route" TEXT,
    "stable" JSONB NOT NULL,
    "canary" JSONB NOT NULL,
    "steps" JSONB NOT NULL,
    "stable_workload" TEXT NOT NULL,
    "canary_workload" TEXT NOT NULL,
    "slo_availability" DOUBLE PRECISION NOT NULL,
    "slo_latency_p95_ms" INTEGER NOT NULL,
    "status" "RolloutStatus" NOT NULL DEFAULT 'draft',
    "current_step" INTEGER,
    "canary_weight" INTEGER NOT NULL DEFAULT 0,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "rollouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rollout_id" UUID,
    "actor_id" TEXT NOT NULL,
    "actor_email" TEXT,
    "actor_role" TEXT,
    "action" TEXT NOT NULL,
    "reason" TEXT,
    "outcome" TEXT NOT NULL,
    "error_code" TEXT,
    "error_message" TEXT,
    "before" JSONB,
    "after" JSONB,
    "resource_version_before" TEXT,
    "resource_version_after" TEXT,
    "duration_ms" INTEGER,
    "request_id" TEXT,
    "client_address" TEXT,
    "prev_hash" TEXT,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rollouts_status_updated_at_idx" ON "rollouts"("status", "updated_at");

-- CreateIndex
CREATE INDEX "rollouts_namespace_virtual_service_idx" ON "rollouts"("namespace", "virtual_service");

-- CreateIndex
CREATE UNIQUE INDEX "rollouts_cluster_namespace_name_key" ON "rollouts"("cluster", "namespace", "name");

-- CreateIndex
CREATE INDEX "audit_events_rollout_id_at_idx" ON "audit_events"("rollout_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_at_idx" ON "audit_events"("actor_id", "at");

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Not expressible in schema.prisma: the audit log is append-only at the database level,
-- so neither Aviary nor anyone with its credentials can rewrite history through SQL.
CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "audit_events_append_only"
    BEFORE UPDATE OR DELETE ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();

CREATE TRIGGER "audit_events_no_truncate"
    BEFORE TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();

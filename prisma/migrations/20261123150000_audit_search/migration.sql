-- Filters and text search of the audit log and the rollout history (/audit, /history, exports).

-- Text search is a case-insensitive substring match (ILIKE '%term%'): trigram GIN indexes serve
-- it for terms of three characters or more. pg_trgm is a trusted extension (PostgreSQL 13+), so a
-- database owner without superuser rights can create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "audit_events_reason_trgm_idx" ON "audit_events" USING GIN ("reason" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "audit_events_error_message_trgm_idx" ON "audit_events" USING GIN ("error_message" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "audit_events_actor_id_trgm_idx" ON "audit_events" USING GIN ("actor_id" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "audit_events_actor_email_trgm_idx" ON "audit_events" USING GIN ("actor_email" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "audit_events_actor_email_at_idx" ON "audit_events"("actor_email", "at");

-- CreateIndex
CREATE INDEX "audit_events_action_at_idx" ON "audit_events"("action", "at");

-- CreateIndex
CREATE INDEX "rollouts_name_trgm_idx" ON "rollouts" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "rollouts_updated_at_id_idx" ON "rollouts"("updated_at", "id");

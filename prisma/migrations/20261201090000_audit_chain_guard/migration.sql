-- The audit chain, keyed and guarded by the database itself.

-- 1: SHA-256 (events written before this migration); 2: HMAC-SHA-256 under a key kept outside
-- the database (lib/domain/audit-hash.ts). Existing events keep version 1.
ALTER TABLE "audit_events" ADD COLUMN "hash_version" INTEGER NOT NULL DEFAULT 1;

-- A flood of identical refused requests is folded into one event that counts them.
ALTER TABLE "audit_events" ADD COLUMN "repeat_count" INTEGER NOT NULL DEFAULT 1;

-- Not expressible in schema.prisma: every insert, from any writer, takes the chain lock (the same
-- advisory lock lib/db/audit-events.ts takes, 0x61766961) and must link to the current head. A
-- writer that read the head without holding the lock until its insert commits fails here instead
-- of forking the chain. A chain also never goes back from keyed to plain hashes.
CREATE FUNCTION "audit_events_link_to_head"() RETURNS trigger AS $$
DECLARE
    head RECORD;
BEGIN
    PERFORM pg_advisory_xact_lock(1635150177);
    SELECT id, hash, hash_version INTO head FROM audit_events ORDER BY id DESC LIMIT 1;
    IF NOT FOUND THEN
        IF NEW.prev_hash IS NOT NULL THEN
            RAISE EXCEPTION 'audit chain: the first event must have no prev_hash' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.prev_hash IS DISTINCT FROM head.hash THEN
        RAISE EXCEPTION 'audit chain: prev_hash does not link to the head (event %); the writer did not hold the chain lock', head.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.id <= head.id THEN
        RAISE EXCEPTION 'audit chain: event id % is not after the head (event %)', NEW.id, head.id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.hash_version < head.hash_version THEN
        RAISE EXCEPTION 'audit chain: hash_version % after version %', NEW.hash_version, head.hash_version USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "audit_events_link_to_head"
    BEFORE INSERT ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_link_to_head"();

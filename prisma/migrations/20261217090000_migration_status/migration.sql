-- Lets the app's runtime role see which migrations are applied without reading _prisma_migrations,
-- which it may not (README, "A separate role for migrations"): a replica that connects as that role
-- checks at start-up, read-only, whether the schema matches the migrations it ships
-- (lib/db/migration-status.ts).
--
-- Why a function and not a column GRANT on the bookkeeping: it is created here, so a database
-- migrated by `prisma migrate deploy` has it too; it shows names, checksums and whether each
-- finished or was rolled back, never the logs (which can hold SQL and error text) or timestamps;
-- and it is read-only by construction. SECURITY DEFINER runs it as the owner; the body is
-- SQL-standard (BEGIN ATOMIC), so "_prisma_migrations" is bound to this schema's table now and no
-- search_path at call time can point it elsewhere. Only the runtime role may call it: EXECUTE is
-- taken from PUBLIC here and granted by the owner with the app's other privileges
-- (lib/db/runtime-grants.ts, or by hand after `prisma migrate deploy`).
CREATE FUNCTION "aviary_applied_migrations"()
    RETURNS TABLE ("migration_name" VARCHAR(255), "checksum" VARCHAR(64), "finished" BOOLEAN, "rolled_back" BOOLEAN)
    LANGUAGE sql
    STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT m.migration_name, m.checksum, m.finished_at IS NOT NULL, m.rolled_back_at IS NOT NULL
      FROM "_prisma_migrations" m;
END;

REVOKE EXECUTE ON FUNCTION "aviary_applied_migrations"() FROM PUBLIC;

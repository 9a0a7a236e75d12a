import pg from "pg";
import type { EmbeddedRole } from "./credentials";

/**
 * The owner role (runs migrations, owns the tables) and the runtime role (the app's DATABASE_URL),
 * created or brought up to date by a superuser. Idempotent: run on every start, and by the test
 * setup against an external PostgreSQL.
 */
export async function ensureAppRoles({
  superuserUrl,
  owner,
  runtime,
  database,
}: {
  superuserUrl: string;
  owner: EmbeddedRole;
  runtime: EmbeddedRole;
  database?: string;
}) {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    for (const { user, password } of [owner, runtime]) {
      const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [user]);
      const verb = rowCount ? "ALTER" : "CREATE";
      await client.query(
        `${verb} ROLE ${client.escapeIdentifier(user)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`,
      );
    }
    if (database) await createOwnedDatabase(client, superuserUrl, database, owner.user);
  } finally {
    await client.end();
  }
}

async function createOwnedDatabase(client: pg.Client, superuserUrl: string, database: string, owner: string) {
  const { rows } = await client.query<{ owner: string }>("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1", [database]);
  if (!rows[0]) {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)} OWNER ${client.escapeIdentifier(owner)}`);
  } else if (rows[0].owner !== owner) {
    await transferOwnership(superuserUrl, database, owner);
  }
}

/**
 * Data folders made before the roles existed: the superuser owns the database and its objects.
 * (REASSIGN OWNED cannot move objects away from the bootstrap superuser, hence one by one.)
 */
async function transferOwnership(superuserUrl: string, database: string, owner: string) {
  const url = new URL(superuserUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query(`ALTER DATABASE ${client.escapeIdentifier(database)} OWNER TO ${client.escapeIdentifier(owner)}`);
    await client.query(`ALTER SCHEMA public OWNER TO pg_database_owner`);
    await client.query(
      `DO $$
       DECLARE
         r record;
         o oid := to_regrole(${literalRole(client, owner)});
       BEGIN
         FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relowner <> o LOOP
           EXECUTE format('ALTER TABLE %s OWNER TO %I', r.name, ${client.escapeLiteral(owner)});
         END LOOP;
         FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner <> o
                    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
           EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', r.name, ${client.escapeLiteral(owner)});
         END LOOP;
         FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'public' AND p.proowner <> o LOOP
           EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.name, ${client.escapeLiteral(owner)});
         END LOOP;
         FOR r IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                  WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0 AND t.typowner <> o LOOP
           EXECUTE format('ALTER TYPE %s OWNER TO %I', r.name, ${client.escapeLiteral(owner)});
         END LOOP;
       END $$`,
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

const literalRole = (client: pg.Client, role: string) => client.escapeLiteral(client.escapeIdentifier(role));

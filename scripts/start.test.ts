import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asRole, useFreshDatabase } from "../test/database";
import { freePort } from "../test/free-port";
import { MIGRATION_STATUS_MIGRATION } from "../lib/db/migration-status";
import { userOf } from "../lib/db/runtime-grants";
import { prepareDatabase } from "./lib/database";

/**
 * A second replica with only the app's role (issue 19, defect 5): `npm start`'s real launcher,
 * DATABASE_URL set to the runtime role and no AVIARY_MIGRATION_DATABASE_URL. It used to stop with
 * "permission denied for schema public" however up to date the schema was.
 */

let runtimeUrl: string;
let ownerUrl: string;
let dataDir: string;
beforeAll(async () => {
  runtimeUrl = await useFreshDatabase();
  ownerUrl = asRole(runtimeUrl, "owner");
  dataDir = await mkdtemp(path.join(os.tmpdir(), "aviary-start-"));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

/** `tsx scripts/start.ts start` until it exits, or until `until` appears in its output (then SIGTERM). */
async function launch(until?: string): Promise<{ code: number | null; output: string }> {
  // As an operator's shell would have it: no owner URL, and not Vitest's NODE_ENV.
  const inherited = Object.entries(process.env).filter(([name]) => name !== "AVIARY_MIGRATION_DATABASE_URL" && name !== "NODE_ENV");
  const env: Record<string, string | undefined> = {
    ...Object.fromEntries(inherited),
    DATABASE_URL: runtimeUrl,
    AVIARY_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    AVIARY_AUDIT_KEY: randomBytes(32).toString("base64url"),
    AVIARY_AUTH_MODE: "oidc",
    AVIARY_PUBLIC_URL: "http://127.0.0.1:3000",
    AVIARY_SESSION_SECRET: randomBytes(32).toString("base64url"),
    AVIARY_OIDC_ISSUER: "https://sso.example.invalid/realms/sre",
    AVIARY_OIDC_CLIENT_ID: "aviary",
    AVIARY_ROLE_GROUPS: '{"viewer":["*"]}',
  };
  const child = spawn(path.resolve("node_modules/.bin/tsx"), ["scripts/start.ts", "start"], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (until && output.includes(until)) child.kill("SIGTERM");
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
  return { code, output };
}

async function asOwner(sql: string) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe("npm start as the app role", () => {
  it("starts on an up-to-date schema, having only looked at it", async () => {
    const { output } = await launch("starting Next.js");
    expect(output).not.toContain("could not start");
    expect(output).toContain(`no migrations pending (checked read-only as ${userOf(runtimeUrl)})`);
    expect(output).toContain("starting Next.js (start)");
  }, 30_000);

  it("is refused, in one sentence naming the variable, when this build ships a migration the schema lacks", async () => {
    // The schema as a database migrated before the status migration has it: no function, no row.
    await asOwner(`DROP FUNCTION aviary_applied_migrations(); DELETE FROM _prisma_migrations WHERE migration_name = '${MIGRATION_STATUS_MIGRATION}'`);
    const { code, output } = await launch();
    expect(code).toBe(1);
    expect(output).toContain(
      `Aviary could not start: Migrations are pending (at least ${MIGRATION_STATUS_MIGRATION}) and ${userOf(runtimeUrl)} (DATABASE_URL's role) may not apply them: set AVIARY_MIGRATION_DATABASE_URL to the owner role, or run the migration Job or \`npm run db:migrate\` with it, then start again.\n`,
    );
    expect(output).not.toContain("permission denied");
  }, 30_000);

  it("starts once the owner has migrated (AVIARY_MIGRATION_DATABASE_URL, as the migration Job does)", async () => {
    const operator = { ...process.env, DATABASE_URL: runtimeUrl, AVIARY_DATA_DIR: dataDir };
    await prepareDatabase({ environment: { ...operator, AVIARY_MIGRATION_DATABASE_URL: ownerUrl } });
    await expect(prepareDatabase({ environment: operator })).resolves.toMatchObject({ url: runtimeUrl });
  });
});

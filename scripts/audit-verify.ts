import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createAuditReader } from "../lib/db/audit/reader";
import { embeddedDataDir, embeddedRoleUrl, startEmbeddedPostgres } from "../lib/db/embedded-postgres";
import { parseServerEnv } from "../lib/env";
import { parseKnownHead, type KnownHead } from "../lib/domain/audit/chain";
import { verifyAuditChain } from "../lib/server/verify-audit-chain";
import { freePort } from "../test/free-port";
import { AUDIT_KEY_FILE_NAME } from "./lib/audit-key";
import { redact } from "./lib/database";

/**
 * `npm run audit:verify [-- --data-dir <embedded postgres data dir>] [--head <id>:<hash>]`:
 * recomputes the audit log's hash chain and names the first broken link; with --head, also
 * checks that a head noted earlier is still in the chain, unchanged. Exit 0 when intact, 1 when broken, 2 when
 * the check could not run. Database: DATABASE_URL, else the demo's embedded database
 * (<AVIARY_DATA_DIR>/demo/postgres), joined if it is running or started just for the check.
 */

type Target = { url: string; label: string; stop: () => Promise<void> };

function dataDirArgument(argv: string[]): string | undefined {
  const index = argv.indexOf("--data-dir");
  return index >= 0 ? argv[index + 1] : undefined;
}

/** The port of a running server on this data directory (postmaster.pid line 4), if any. */
function runningPort(dataDir: string): number | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const [pid, , , port] = readFileSync(pidFile, "utf8").split("\n");
  try {
    process.kill(Number(pid), 0);
  } catch {
    return null;
  }
  return Number(port) || null;
}

async function resolveTarget(): Promise<Target> {
  const env = parseServerEnv();
  const given = dataDirArgument(process.argv.slice(2));
  if (env.DATABASE_URL && !given) return { url: env.DATABASE_URL, label: `DATABASE_URL (${redact(env.DATABASE_URL)})`, stop: async () => {} };
  const intended = path.resolve(given ?? path.join(env.AVIARY_DATA_DIR, "demo", "postgres"));
  // The embedded default keeps the chain's key beside the database folder (scripts/lib/audit-key.ts).
  const keyFile = path.join(path.dirname(intended), AUDIT_KEY_FILE_NAME);
  if (!process.env.AVIARY_AUDIT_KEY && !process.env.AVIARY_AUDIT_KEY_FILE && existsSync(keyFile)) process.env.AVIARY_AUDIT_KEY_FILE = keyFile;
  // As root the data may live under /var/lib/aviary (lib/db/embedded/placement.ts).
  const dataDir = embeddedDataDir(intended);
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    throw new Error(`no database to check: DATABASE_URL is not set and ${dataDir} holds no PostgreSQL data (run the demo first, or set DATABASE_URL)`);
  }
  const port = runningPort(dataDir);
  const relative = path.relative(process.cwd(), dataDir) || dataDir;
  if (port) {
    const url = embeddedRoleUrl({ intendedDataDir: dataDir, port });
    return { url, label: `the running embedded database in ${relative} (port ${port})`, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  return { url: server.appUrl, label: `the embedded database in ${relative} (started for this check)`, stop: server.stop };
}

/** `--head <id>:<hash>`: a head noted earlier (the app's "audit chain head" log line). */
function knownHeadArgument(argv: string[]): KnownHead | undefined {
  const index = argv.indexOf("--head");
  if (index < 0) return undefined;
  const head = parseKnownHead(argv[index + 1] ?? "");
  if (!head) throw new Error(`--head takes <event id>:<64 hex digits>, as the "audit chain head" log line prints it; got "${argv[index + 1] ?? ""}"`);
  return head;
}

async function main(): Promise<number> {
  const knownHead = knownHeadArgument(process.argv.slice(2));
  const target = await resolveTarget();
  try {
    const audit = createAuditReader(target.url, { max: 1 });
    console.log(`audit:verify: checking the audit log in ${target.label}`);
    const report = await verifyAuditChain(
      { audit },
      {
        batchSize: 2_000,
        knownHead,
        onProgress: (checked) => {
          if (checked % 100_000 === 0) console.error(`  … ${checked.toLocaleString("en")} events verified`);
        },
      },
    );
    await audit.close();
    const seconds = (report.durationMs / 1000).toFixed(1);
    if (report.ok) {
      const head = report.head ? `; head: event ${report.head.id}, hash ${report.head.hash}` : "";
      console.log(`audit:verify: OK, ${report.checked.toLocaleString("en")} events, chain intact (${seconds} s)${head}`);
      return 0;
    }
    const what = {
      hash_mismatch: "hash mismatch",
      prev_hash_mismatch: "prevHash mismatch",
      hash_downgrade: "unkeyed hash after keyed ones",
      head_missing: "noted head missing",
      head_mismatch: "noted head rewritten",
    }[report.broken.problem];
    console.log(`audit:verify: BROKEN at event ${report.broken.id} (${what})`);
    console.log(`  ${report.broken.message}`);
    console.log(`  ${report.checked.toLocaleString("en")} events before it verified (${seconds} s)`);
    return 1;
  } finally {
    await target.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`audit:verify could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);

import { readFileSync } from "node:fs";
import { processEnv, type Env } from "../../env";

/**
 * The key of the audit chain's HMAC (lib/domain/audit/hash.ts). It never lives in the database:
 * someone who can write the database but not read this key cannot forge or rewrite events.
 * AVIARY_AUDIT_KEY holds it, or AVIARY_AUDIT_KEY_FILE names a file holding it (a mounted
 * Secret). Every replica, and `npm run audit:verify`, needs the same key.
 */
const MIN_LENGTH = 32;
// Tests write and verify chains with a fixed key; a real deployment has to say which key it uses.
const TEST_KEY = "aviary-test-audit-key-not-a-secret-0123456789";

let cached: { source: string; key: string } | undefined;

export function auditKey(env: Env = processEnv()): string {
  const source = `${env.AVIARY_AUDIT_KEY ?? ""}\u0000${env.AVIARY_AUDIT_KEY_FILE ?? ""}\u0000${env.NODE_ENV ?? ""}`;
  if (cached?.source === source) return cached.key;
  const key = readKey(env);
  cached = { source, key };
  return key;
}

function readKey(env: Env): string {
  if (env.AVIARY_AUDIT_KEY) return checked(env.AVIARY_AUDIT_KEY, "AVIARY_AUDIT_KEY");
  if (env.AVIARY_AUDIT_KEY_FILE) {
    let text: string;
    try {
      text = readFileSync(env.AVIARY_AUDIT_KEY_FILE, "utf8");
    } catch (error) {
      throw new Error(`AVIARY_AUDIT_KEY_FILE: cannot read ${env.AVIARY_AUDIT_KEY_FILE} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return checked(text.trim(), "AVIARY_AUDIT_KEY_FILE");
  }
  if (env.NODE_ENV === "test") return TEST_KEY;
  throw new Error(
    "the audit log's key is not configured: set AVIARY_AUDIT_KEY (at least 32 characters, e.g. `openssl rand -base64 32`) or AVIARY_AUDIT_KEY_FILE (a file holding it), the same on every replica",
  );
}

function checked(key: string, name: string): string {
  if (key.length < MIN_LENGTH) throw new Error(`${name}: the audit key must be at least ${MIN_LENGTH} characters (got ${key.length})`);
  return key;
}

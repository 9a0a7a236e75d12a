import { readFileSync } from "node:fs";
import { configurationError, processEnv, type Env } from "../../env";

/**
 * The key of the audit chain's HMAC (lib/domain/audit/hash.ts). It never lives in the database:
 * someone who can write the database but not read this key cannot forge or rewrite events.
 * AVIARY_AUDIT_KEY holds it, or AVIARY_AUDIT_KEY_FILE names a file holding it (a mounted
 * Secret). Every replica, and `npm run audit:verify`, needs the same key.
 */
const MIN_LENGTH = 32;
// Tests write and verify chains with a fixed key; a real deployment has to say which key it uses.
const TEST_KEY = "aviary-test-audit-key-not-a-secret-0123456789";

// Keyed by the environment object: the process's is read (a file, perhaps) once, not on every append.
const keys = new WeakMap<Env, string>();

export function auditKey(env: Env = processEnv()): string {
  let key = keys.get(env);
  if (key === undefined) keys.set(env, (key = readKey(env)));
  return key;
}

function readKey(env: Env): string {
  if (env.AVIARY_AUDIT_KEY) return checked(env.AVIARY_AUDIT_KEY, "AVIARY_AUDIT_KEY");
  if (env.AVIARY_AUDIT_KEY_FILE) {
    let text: string;
    try {
      text = readFileSync(env.AVIARY_AUDIT_KEY_FILE, "utf8");
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? String(error);
      throw configurationError([{ variable: "AVIARY_AUDIT_KEY_FILE", message: `cannot read ${env.AVIARY_AUDIT_KEY_FILE} (${why})` }]);
    }
    return checked(text.trim(), "AVIARY_AUDIT_KEY_FILE");
  }
  if (env.NODE_ENV === "test") return TEST_KEY;
  throw configurationError([
    {
      variable: "AVIARY_AUDIT_KEY",
      message:
        "the audit log's key is not configured: set AVIARY_AUDIT_KEY (at least 32 characters, e.g. `openssl rand -base64 32`) or AVIARY_AUDIT_KEY_FILE (a file holding it), the same on every replica",
    },
  ]);
}

function checked(key: string, name: string): string {
  if (key.length < MIN_LENGTH) {
    throw configurationError([{ variable: name, message: `the audit key must be at least ${MIN_LENGTH} characters (got ${key.length})` }]);
  }
  return key;
}

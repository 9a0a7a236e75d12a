import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";

/**
 * The audit chain's key for the app's environment. Given (AVIARY_AUDIT_KEY or
 * AVIARY_AUDIT_KEY_FILE): passed through untouched. Embedded database: a key file in the data
 * folder, made once, so it lives and dies with the data it signs. External database: refused,
 * because every replica must share one key and a key made here would be this process's alone.
 */
export const AUDIT_KEY_FILE_NAME = "audit-chain.key";

export async function auditKeyEnv({ dataDir, externalDatabase }: { dataDir: string; externalDatabase: boolean }): Promise<Record<string, string>> {
  if (process.env.AVIARY_AUDIT_KEY?.trim() || process.env.AVIARY_AUDIT_KEY_FILE?.trim()) return {};
  if (externalDatabase) {
    throw new Error(
      "DATABASE_URL is set, so the audit chain's key must be too: set AVIARY_AUDIT_KEY (a secret of at least 32 characters) or AVIARY_AUDIT_KEY_FILE (a file holding it), the same on every replica.",
    );
  }
  const file = path.resolve(dataDir, AUDIT_KEY_FILE_NAME);
  if (!existsSync(file)) {
    // "wx": two launchers racing on one data folder must not overwrite each other's key.
    const handle = await open(file, "wx", 0o600).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EEXIST") return null;
      throw error;
    });
    if (handle) {
      await handle.writeFile(`${randomBytes(32).toString("base64url")}\n`);
      await handle.close();
    }
  }
  return { AVIARY_AUDIT_KEY_FILE: file };
}

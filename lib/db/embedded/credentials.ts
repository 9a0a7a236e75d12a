import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { z } from "zod";
import { credentialsFileFor, resolveDataDir } from "./placement";

/**
 * The embedded server's three roles and their random passwords, generated when a data folder is
 * initialised and kept in a 0600 file beside it (the data folder itself belongs to the postgres
 * user when Aviary runs as root). Older data folders used a fixed password: LEGACY_SUPERUSER.
 */

const role = z.object({ user: z.string().min(1), password: z.string().min(16) });
const fileSchema = z.object({ superuser: role, owner: role, runtime: role });

export type EmbeddedRole = z.infer<typeof role>;
export type EmbeddedCredentials = z.infer<typeof fileSchema>;
export type EmbeddedRoleName = keyof EmbeddedCredentials;

export const APP_DATABASE = "aviary";
export const LEGACY_SUPERUSER: EmbeddedRole = { user: "aviary", password: "aviary-local" };

const secret = () => randomBytes(24).toString("base64url");

export function newCredentials(): EmbeddedCredentials {
  return {
    superuser: { user: "aviary", password: secret() },
    owner: { user: "aviary_owner", password: secret() },
    runtime: { user: "aviary_app", password: secret() },
  };
}

export function readCredentialsFile(file: string): EmbeddedCredentials | null {
  if (!existsSync(file)) return null;
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file} is not a valid credentials file; delete it together with its data folder to start over`);
  return parsed.data;
}

/** Written to a 0600 temporary file first, then renamed, so a crash never leaves half a file. */
export async function writeCredentialsFile(file: string, credentials: EmbeddedCredentials): Promise<void> {
  const staging = `${file}.${process.pid}.tmp`;
  const handle = await open(staging, "w", 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(credentials, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(staging, file);
}

export function roleUrl(credentials: EmbeddedCredentials, who: EmbeddedRoleName, port: number, database = APP_DATABASE): string {
  const { user, password } = credentials[who];
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * The URL to join an embedded server already running on `intendedDataDir` (the folder asked for;
 * as root the data may live elsewhere, see placement.ts). Used by scripts that attach to the demo.
 */
export function embeddedRoleUrl({ intendedDataDir, port, role: who = "runtime" }: { intendedDataDir: string; port: number; role?: EmbeddedRoleName }): string {
  const file = credentialsFileFor(resolveDataDir(intendedDataDir));
  const credentials = readCredentialsFile(file);
  if (!credentials) throw new Error(`no credentials file at ${file}: start the embedded database once with this Aviary (npm run demo) to create it`);
  return roleUrl(credentials, who, port);
}

import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

/**
 * `<dataDir>/stack.json`: where the running local stack's parts listen, for tools and browser
 * tests that drive the sandboxes directly (read live weights, break a canary on cue). Local,
 * git-ignored and private to the user: it holds the sandbox API's bearer token.
 */
export const stackFileSchema = z.object({
  appUrl: z.url().nullable(),
  databaseUrl: z.string().nullable(),
  kube: z.object({
    url: z.url(),
    /** Admin endpoints (/sandbox/faults, /objects, /deny, /tokens): no auth, loopback only. */
    adminUrl: z.url(),
    kubeconfigPath: z.string(),
    /** The sandbox's own CA: pass it to any HTTPS client that talks to `url`. */
    caPath: z.string(),
    token: z.string().min(1),
  }),
  mesh: z.object({
    url: z.url(),
    /** /admin/services, /admin/profiles/{namespace}/{workload}, /admin/reset. */
    adminUrl: z.url(),
    metricsUrl: z.url(),
  }),
  /** `pid` lets browser tests freeze Prometheus (SIGSTOP) to see the "unreachable" state. */
  prometheus: z.object({ url: z.url(), pid: z.number().int().positive().nullable() }),
});

export type StackFile = z.infer<typeof stackFileSchema>;

export const stackFilePath = (dataDir: string) => path.join(path.resolve(dataDir), "stack.json");

export async function writeStackFile(dataDir: string, contents: StackFile): Promise<void> {
  await writeFile(stackFilePath(dataDir), `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
}

export async function readStackFile(dataDir: string): Promise<StackFile> {
  const file = stackFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(`no local stack description at ${file} (${(error as NodeJS.ErrnoException).code}): is the stack running?`);
  }
  const parsed = stackFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a stack description: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

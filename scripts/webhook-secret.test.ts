import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { deriveWebhookSecret } from "../lib/domain/notifications/signature";

/** The admin's way to learn the secret a bare webhook URL is signed with: the real script, as npm runs it. */
const TSX = path.resolve("node_modules", ".bin", "tsx");
const GLOBAL = "the-global-webhook-secret-0123";

function run(args: string[], env: Record<string, string | undefined>) {
  const { AVIARY_NOTIFY_WEBHOOK_SECRET: _unset, ...rest } = process.env;
  const result = spawnSync(TSX, ["scripts/webhook-secret.ts", ...args], { env: { ...rest, ...env }, encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

describe("npm run notify:webhook-secret", () => {
  it("prints the derived secret of each URL, the one the dispatcher signs with", () => {
    const urls = ["https://hooks.example.com/aviary?token=abc", "http://127.0.0.1:9/h"];
    const out = run(["--", ...urls], { AVIARY_NOTIFY_WEBHOOK_SECRET: GLOBAL });
    expect(out.status).toBe(0);
    expect(out.stdout.split("\n")).toEqual(urls.map((url) => deriveWebhookSecret({ globalSecret: GLOBAL, url })));
    expect(out.stdout).not.toContain(GLOBAL);
  }, 40_000);

  it("exits 2 saying why without the global secret or a URL", () => {
    expect(run(["https://a.example.com/h"], {})).toMatchObject({ status: 2, stderr: expect.stringContaining("AVIARY_NOTIFY_WEBHOOK_SECRET is not set") });
    expect(run(["not-a-url"], { AVIARY_NOTIFY_WEBHOOK_SECRET: GLOBAL })).toMatchObject({ status: 2, stderr: expect.stringContaining("not an http") });
  }, 40_000);
});

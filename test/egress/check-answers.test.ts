import http from "node:http";
import type net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalsJson } from "@/lib/contracts/approvals";
import { getRolloutApprovals } from "@/lib/server/approvals/get-rollout-approvals";
import { getDeps } from "@/lib/composition/deps";
import { api } from "../api/client";
import { approvalsApi } from "../approvals/client";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { configureWith } from "../config";
import { allowLoopbackEgress } from "../egress";
import { rolloutInput } from "../fixtures";

/**
 * What Aviary keeps of an approval check's answer, through the real route and database: a check
 * pointed at something that answers with a cloud credential (EC2's metadata answer, with AWS's
 * documented example keys) leaves no trace of it in the audit log or in what a viewer is shown;
 * operators see the excerpt with the credentials masked. And "Run checks" has a cooldown.
 */
const SECRETS = ["ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEJr"];
const CREDENTIALS = JSON.stringify({
  Code: "Success",
  Type: "AWS-HMAC",
  AccessKeyId: SECRETS[0],
  SecretAccessKey: SECRETS[1],
  Token: `${SECRETS[2]}//////////wEaCXVzLWVhc3QtMSJHMEUCIQC8ExampleToken==`,
});

let server: http.Server;
let base = "";
let hits = 0;
beforeAll(async () => {
  allowLoopbackEgress(); // the local service below; the default policy refuses loopback
  await useFreshDatabase();
  server = http.createServer((req, res) => {
    hits++;
    res.writeHead(200, { "content-type": "application/json" }).end(CREDENTIALS);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function withCheck(url: string) {
  const created = await api.create(rolloutInput({ approvals: { checks: [{ name: "creds", url }] } }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

describe("a check's answer", () => {
  it("holding a cloud credential: nothing of it in the audit log or a viewer's view; masked for operators", async () => {
    const id = await withCheck(`${base}/latest/meta-data/iam/security-credentials/role?token=s3cr3t-query-value`);
    const run = await approvalsApi.runChecks(id);
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(hits).toBe(1);

    const events = await getDeps().db.auditEvent.findMany({ where: { rolloutId: id } });
    const audited = JSON.stringify(events, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));
    for (const secret of [...SECRETS, "s3cr3t-query-value"]) expect(audited).not.toContain(secret);
    const checked = events.find((e) => e.action === "approval_checks")!;
    expect((checked.after as { checks: unknown[] }).checks[0]).toMatchObject({
      status: 200,
      size: CREDENTIALS.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      url: `${base}/latest/meta-data/iam/security-credentials/role?token=…`,
    });
    expect(checked.after).not.toHaveProperty("checks.0.excerpt");

    const deps = getDeps();
    const viewer = approvalsJson(await getRolloutApprovals(deps, { id, viewer: { id: "vic", email: null, role: "viewer" } }), "viewer");
    expect(JSON.stringify(viewer)).not.toMatch(/ASIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI|IQoJb3JpZ2luX2Vj|s3cr3t-query-value|"Success"/);
    expect(viewer.checks[0]!.last).toMatchObject({ status: 200, excerpt: null, excerptWithheld: true, size: CREDENTIALS.length });

    const operator = approvalsJson(await getRolloutApprovals(deps, { id, viewer: { id: "olga", email: null, role: "operator" } }), "operator");
    const excerpt = operator.checks[0]!.last!.excerpt!;
    expect(excerpt).toContain('"Code":"Success"');
    for (const secret of SECRETS) expect(excerpt).not.toContain(secret);
    await expectAuditChainIntact();
  });

  it("a destination the policy refuses by its address is refused when defined, naming the field and rule", async () => {
    const created = await api.create(rolloutInput({ approvals: { checks: [{ name: "meta", url: "http://[::ffff:169.254.169.254]/latest/meta-data/" }] } }));
    expect(created.status).toBe(400);
    expect(created.body.error.fields).toEqual({
      "approvals.checks.0.url": "url is refused by the egress policy: cloud metadata (169.254.169.254/32) carried in ::ffff:a9fe:a9fe",
    });
  });

  it("a destination refused when the check runs (the policy tightened since) is a result naming the rule, and nothing is sent", async () => {
    const id = await withCheck(`${base}/healthz`);
    const before = hits;
    const restore = configureWith({ AVIARY_EGRESS_ALLOW: "" }, "egress");
    try {
      const run = await approvalsApi.runChecks(id);
      expect(run.status).toBe(200);
      expect(run.body.checks[0].last).toMatchObject({ ok: false, status: null, summary: "refused by the egress policy: loopback (127.0.0.0/8)" });
      expect(hits).toBe(before);
    } finally {
      restore();
    }
  });
});

describe("Run checks", () => {
  it("runs once per cooldown per rollout, across concurrent clicks; the refusals say when, with Retry-After", async () => {
    const id = await withCheck(`${base}/healthz`);
    const before = hits;
    const runs = await Promise.all([1, 2, 3, 4].map(() => approvalsApi.runChecks(id)));
    expect(runs.map((r) => r.status).sort()).toEqual([200, 429, 429, 429]);
    expect(hits - before).toBe(1);
    const refused = runs.find((r) => r.status === 429)!;
    expect(refused.body.error.message).toMatch(/^the checks ran \d+ s ago; each run sends a request to every check, so they can be run again in \d+ s$/);
    const events = await getDeps().db.auditEvent.findMany({ where: { rolloutId: id, action: "approval_checks" } });
    expect(events.map((e) => e.outcome).sort()).toEqual(["refused", "refused", "refused", "success"]);
    await expectAuditChainIntact();
  });
});

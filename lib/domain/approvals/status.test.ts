import { describe, expect, it } from "vitest";
import { approvalsSchema, type ApprovalsInput } from "./definition";
import { evaluateApprovals, type CheckResult } from "./status";

const now = new Date("2026-12-01T12:00:00Z");
const approvals = approvalsSchema.parse({
  checks: [{ name: "smoke", url: "http://smoke.internal/healthz" }],
  checklist: [
    { id: "notes", text: "Release notes published" },
    { id: "oncall", text: "On-call informed", requireDifferentPerson: true },
  ],
} satisfies ApprovalsInput);
const result = (over: Partial<CheckResult> = {}): CheckResult => ({
  check: "smoke",
  url: "http://smoke.internal/healthz",
  expectStatus: 200,
  at: new Date(now.getTime() - 60_000),
  ok: true,
  status: 200,
  latencyMs: 12,
  size: 8,
  sha256: null,
  excerpt: "ok",
  error: null,
  actorId: "dana",
  ...over,
});
const tick = (itemId: string, actorId = "dana") => ({ itemId, actorId, actorEmail: null, at: now });

describe("approvals before promotion", () => {
  it("wait for every checklist item, saying how many are ticked", () => {
    const e = evaluateApprovals({ approvals, ticks: [tick("notes")], results: [result()], promoter: "erin", now });
    expect(e).toMatchObject({ ready: false, ticked: 1, total: 2, needsPerson: true });
    expect(e.blockers).toEqual(["waiting for approval: 1 of 2 checklist items ticked (open: 'On-call informed')"]);
  });

  it("hold when the promoter ticked an item that needs a different person; analysis counts as different", () => {
    const ticks = [tick("notes"), tick("oncall", "dana")];
    expect(evaluateApprovals({ approvals, ticks, results: [result()], promoter: "dana", now }).blockers).toEqual([
      "'On-call informed' was ticked by dana, who may not also promote: someone else must promote",
    ]);
    expect(evaluateApprovals({ approvals, ticks, results: [result()], promoter: "erin", now }).ready).toBe(true);
    expect(evaluateApprovals({ approvals, ticks, results: [result()], promoter: "aviary-analysis", now }).ready).toBe(true);
  });

  it("need each check's latest result to pass, be recent and match the check as configured now", () => {
    const ticks = [tick("notes"), tick("oncall")];
    const blockers = (results: CheckResult[]) => evaluateApprovals({ approvals, ticks, results, promoter: "erin", now }).blockers;
    expect(blockers([])).toEqual(["check 'smoke' has not run: run the checks"]);
    expect(blockers([result({ ok: false, status: 503 })])).toEqual(["check 'smoke' failed: HTTP 503, expected 200"]);
    expect(blockers([result({ ok: false, status: null, error: "no answer within 5000 ms" })])).toEqual(["check 'smoke' failed: no answer within 5000 ms"]);
    expect(blockers([result({ at: new Date(now.getTime() - 11 * 60_000) })])).toEqual(["check 'smoke' last passed more than 10 min ago: run the checks again"]);
    expect(blockers([result({ url: "http://old.internal/" })])).toEqual(["check 'smoke' has not run since it was changed: run the checks"]);
    expect(blockers([result()])).toEqual([]);
  });

  it("a rollout without approvals is always ready", () => {
    expect(evaluateApprovals({ approvals: undefined, ticks: [], results: [], promoter: null, now }).ready).toBe(true);
  });
});

describe("the approvals block", () => {
  const fields = (input: unknown) => {
    const parsed = approvalsSchema.safeParse(input);
    return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
  };
  it("fills defaults", () => {
    expect(approvalsSchema.parse({ checks: [{ name: "a", url: "https://x.test/" }] })).toEqual({
      checks: [{ name: "a", url: "https://x.test/", expectStatus: 200, timeoutMs: 5000 }],
      checklist: [],
    });
  });
  it("names each bad field", () => {
    expect(
      fields({
        checks: [
          { name: "a", url: "ftp://x.test/" },
          { name: "b", url: "http://user:pw@x.test/", timeoutMs: 60000 },
          { name: "c", url: "http://checks.internal/healthz?token=…" },
          { name: "d", url: "not a url", expectStatus: 42 },
        ],
        checklist: [{ id: "x", text: "" }],
      }),
    ).toEqual({
      "checks.0.url": "url must use http or https, not ftp",
      "checks.1.url": "url must not contain credentials: they would be shown on the page and in the audit log",
      "checks.1.timeoutMs": "timeoutMs must be at most 30000",
      "checks.2.url": "url is a redacted URL as Aviary shows it (query values hidden); give the full URL",
      "checks.3.url": "url must be an absolute http or https URL",
      "checks.3.expectStatus": "expectStatus must be at least 100",
      "checklist.0.text": "text is required",
    });
    expect(
      fields({
        checks: [
          { name: "a", url: "http://x.test/" },
          { name: "a", url: "http://y.test/" },
        ],
      }),
    ).toEqual({ "checks.1.name": 'name "a" is used twice' });
    expect(fields({})).toEqual({ "": "approvals needs at least one check or checklist item (omit the block for none)" });
  });
});

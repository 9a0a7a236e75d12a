import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as actions from "@/app/api/rollouts/[id]/actions/route";
import * as item from "@/app/api/rollouts/[id]/route";
import * as collection from "@/app/api/rollouts/route";
import { useFreshDatabase } from "@/test/database";
import { rolloutInput } from "@/test/fixtures";
import { requestContext } from "./request-context";
import { getDeps } from "@/lib/composition/deps";
import { configureWith } from "@/test/config";

/**
 * Identity and roles through the real route handlers and a real database, in "behind an auth
 * proxy" mode: the identity headers count only with the shared secret.
 */
const SECRET = "proxy-shared-secret-0123456789";
const PROXY_ENV = {
  AVIARY_AUTH_MODE: "proxy",
  AVIARY_PROXY_SECRET: SECRET,
  AVIARY_ROLE_GROUPS: '{"admin":["sre-leads"],"operator":["sre"],"viewer":["eng"]}',
};

type Who = { user: string; email?: string; groups?: string; secret?: string | null; headers?: Record<string, string> };

function request(method: string, path: string, { user, email, groups = "", secret = SECRET, headers = {} }: Who, body?: unknown) {
  const all = new Headers({ "x-forwarded-user": user, "x-forwarded-groups": groups, ...headers });
  if (email) all.set("x-forwarded-email", email);
  if (secret !== null) all.set("x-aviary-proxy-secret", secret);
  if (body !== undefined) all.set("content-type", "application/json");
  return new Request(`http://aviary.test${path}`, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function call(response: Promise<Response>) {
  const res = await response;
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });
const admin: Who = { user: "dana", email: "dana@example.com", groups: "sre-leads,eng" };
const operator: Who = { user: "omar", email: "omar@example.com", groups: "eng, sre" };
const viewer: Who = { user: "vera", email: "vera@example.com", groups: "eng" };
let restoreSignIn = () => {};
let rolloutId = "";

beforeAll(async () => {
  await useFreshDatabase();
  restoreSignIn = configureWith(PROXY_ENV, "auth");
  const created = await call(collection.POST(request("POST", "/api/rollouts", admin, rolloutInput())));
  expect(created.status).toBe(201);
  rolloutId = created.body.id as string;
});

afterAll(() => restoreSignIn());

async function lastAuditEvent() {
  return getDeps().db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
}

describe("behind an auth proxy", () => {
  it("answers 401 to identity headers without the shared secret, or with a wrong one", async () => {
    for (const secret of [null, "", "proxy-shared-secret-012345678X", `${SECRET}-longer`]) {
      const listed = await call(collection.GET(request("GET", "/api/rollouts", { ...admin, secret })));
      expect(listed.status).toBe(401);
      expect(listed.body.error?.code).toBe("UNAUTHENTICATED");
      expect(listed.body.error?.message).toContain("x-aviary-proxy-secret");
    }
    const acted = await call(
      actions.POST(request("POST", `/api/rollouts/${rolloutId}/actions`, { ...admin, secret: null }, { action: "pause" }), params(rolloutId)),
    );
    expect(acted.status).toBe(401);
  });

  it("takes identity and role from the headers when the secret matches", async () => {
    const context = await requestContext(request("GET", "/api/rollouts", operator), { need: "viewer" });
    expect(context.actor).toEqual({ id: "omar", email: "omar@example.com", role: "operator", name: "omar@example.com" });
    expect((await requestContext(request("GET", "/", admin), { need: "admin" })).actor.role).toBe("admin");
    expect((await requestContext(request("GET", "/", viewer), { need: "viewer" })).actor.role).toBe("viewer");
    expect((await call(item.GET(request("GET", `/api/rollouts/${rolloutId}`, viewer), params(rolloutId)))).status).toBe(200);
  });

  it("refuses a viewer's action with 403 naming the needed role, and audits the refusal", async () => {
    const refused = await call(
      actions.POST(request("POST", `/api/rollouts/${rolloutId}/actions`, viewer, { action: "rollback", reason: "why not" }), params(rolloutId)),
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({ code: "FORBIDDEN", message: "this needs the operator role; you are signed in as vera with the viewer role" });
    expect(await lastAuditEvent()).toMatchObject({
      rolloutId,
      actorId: "vera",
      actorEmail: "vera@example.com",
      actorRole: "viewer",
      action: "rollback",
      outcome: "refused",
      errorCode: "FORBIDDEN",
    });
  });

  it("lets an operator act (refused only for the rollout's state, not for the role)", async () => {
    const acted = await call(actions.POST(request("POST", `/api/rollouts/${rolloutId}/actions`, operator, { action: "pause" }), params(rolloutId)));
    expect(acted.status).toBe(422);
    expect(acted.body.error?.code).toBe("INVALID_STATE");
    expect(await lastAuditEvent()).toMatchObject({ actorId: "omar", actorRole: "operator", action: "pause", errorCode: "INVALID_STATE" });
  });

  it("keeps definitions to admins", async () => {
    const created = await call(collection.POST(request("POST", "/api/rollouts", operator, rolloutInput())));
    expect(created.status).toBe(403);
    expect(created.body.error?.message).toContain("needs the admin role");
    expect(await lastAuditEvent()).toMatchObject({ rolloutId: null, actorId: "omar", action: "create", outcome: "refused" });
    const archived = await call(item.DELETE(request("DELETE", `/api/rollouts/${rolloutId}`, operator), params(rolloutId)));
    expect(archived.status).toBe(403);
    expect(await lastAuditEvent()).toMatchObject({ rolloutId, action: "archive", outcome: "refused" });
  });

  it("refuses, and audits, a user whose groups map to no role", async () => {
    const listed = await call(collection.GET(request("GET", "/api/rollouts", { user: "mallory", groups: "marketing" })));
    expect(listed.status).toBe(403);
    expect(listed.body.error?.message).toContain("this needs the viewer role; mallory is signed in but in none of the groups");
    expect(await lastAuditEvent()).toMatchObject({ actorId: "mallory", actorRole: null, action: "get /api/rollouts", outcome: "refused" });
  });

  it("refuses a cross-site POST to an action route with 403, even from an operator", async () => {
    const crossSite = { ...operator, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } };
    const refused = await call(
      actions.POST(request("POST", `/api/rollouts/${rolloutId}/actions`, crossSite, { action: "rollback", reason: "csrf" }), params(rolloutId)),
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toContain("cross-site request refused");
    expect(await lastAuditEvent()).toMatchObject({ actorId: "omar", action: "rollback", outcome: "refused" });

    const sameOrigin = { ...operator, headers: { origin: "http://aviary.test", host: "aviary.test" } };
    const allowed = await call(actions.POST(request("POST", `/api/rollouts/${rolloutId}/actions`, sameOrigin, { action: "pause" }), params(rolloutId)));
    expect(allowed.status).toBe(422);
  });
});

describe("without sign-in (AVIARY_AUTH_MODE=none, the Vitest default)", () => {
  it("still refuses a cross-site POST to an action route", async () => {
    const restore = configureWith({ AVIARY_AUTH_MODE: "none" }, "auth");
    try {
      const headers = new Headers({ "content-type": "application/json", origin: "https://evil.example", host: "aviary.test" });
      const response = await actions.POST(
        new Request(`http://aviary.test/api/rollouts/${rolloutId}/actions`, { method: "POST", headers, body: '{"action":"pause"}' }),
        params(rolloutId),
      );
      expect(response.status).toBe(403);
    } finally {
      restore();
    }
  });
});

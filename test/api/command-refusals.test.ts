import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as actions from "@/app/api/rollouts/[id]/actions/route";
import * as item from "@/app/api/rollouts/[id]/route";
import * as collection from "@/app/api/rollouts/route";
import * as windows from "@/app/api/freeze-windows/route";
import * as windowItem from "@/app/api/freeze-windows/[id]/route";
import { getDeps } from "@/lib/composition/deps";
import { configureWith } from "../config";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";

/**
 * Every state-changing route checks the caller's role before it reads a byte of the body: a
 * viewer's create, edit, archive or freeze-window change is a 403 whatever it sends (broken JSON,
 * a body past the size cap), and leaves exactly one refusal event naming what was tried. Real route
 * handlers, a real database, sign-in behind an auth proxy (identity headers with the shared secret).
 */
const SECRET = "proxy-shared-secret-0123456789";
let restoreSignIn = () => {};
let rolloutId = "";

/** A body that notes whether anyone pulled from it: the proof that a refusal left it unread. */
function watchedBody(text: string) {
  const seen = { read: false };
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.read = true;
        controller.enqueue(bytes);
        controller.close();
      },
      // Nothing is pulled ahead: only a reader makes the stream produce.
    },
    new CountQueuingStrategy({ highWaterMark: 0 }),
  );
  return { stream, seen };
}

function request(method: string, path: string, { user, groups, body }: { user: string; groups: string; body?: string }) {
  const headers = new Headers({ "x-forwarded-user": user, "x-forwarded-groups": groups, "x-aviary-proxy-secret": SECRET, "x-request-id": `${user}-${method}` });
  const watched = body === undefined ? null : watchedBody(body);
  if (watched) {
    headers.set("content-type", "application/json");
    headers.set("content-length", String(new TextEncoder().encode(body!).length));
  }
  const init = { method, headers, body: watched?.stream, duplex: "half" } as RequestInit;
  return { request: new Request(`http://aviary.test${path}`, init), seen: watched?.seen ?? { read: false } };
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });
const eventsOf = (actorId: string) => getDeps().db.auditEvent.findMany({ where: { actorId }, orderBy: { id: "asc" } });
const BROKEN = '{"name": "x",';
const HUGE = JSON.stringify(rolloutInput({ name: "a".repeat(1_000_000) }));

beforeAll(async () => {
  await useFreshDatabase();
  restoreSignIn = configureWith(
    { AVIARY_AUTH_MODE: "proxy", AVIARY_PROXY_SECRET: SECRET, AVIARY_ROLE_GROUPS: '{"admin":["sre-leads"],"operator":["sre"],"viewer":["eng"]}' },
    "auth",
  );
  const created = await collection.POST(request("POST", "/api/rollouts", { user: "dana", groups: "sre-leads", body: JSON.stringify(rolloutInput()) }).request);
  expect(created.status).toBe(201);
  rolloutId = ((await created.json()) as { id: string }).id;
});
afterAll(() => restoreSignIn());

type Case = {
  label: string;
  user: string;
  send: (user: string) => ReturnType<typeof request> & { response: Promise<Response> };
  action: string;
  onRollout: boolean;
};

const sent = (req: ReturnType<typeof request>, handle: (request: Request) => Promise<Response>) => ({ ...req, response: handle(req.request) });

const cases: Case[] = [
  {
    label: "create with broken JSON",
    user: "vera-1",
    action: "create",
    onRollout: false,
    send: (user) => sent(request("POST", "/api/rollouts", { user, groups: "eng", body: BROKEN }), (r) => collection.POST(r)),
  },
  {
    label: "create with a 1 MB body",
    user: "vera-2",
    action: "create",
    onRollout: false,
    send: (user) => sent(request("POST", "/api/rollouts", { user, groups: "eng", body: HUGE }), (r) => collection.POST(r)),
  },
  {
    label: "update with broken JSON",
    user: "vera-3",
    action: "update",
    onRollout: true,
    send: (user) => sent(request("PATCH", `/api/rollouts/${rolloutId}`, { user, groups: "eng", body: BROKEN }), (r) => item.PATCH(r, params(rolloutId))),
  },
  {
    label: "update with a 1 MB body",
    user: "vera-4",
    action: "update",
    onRollout: true,
    send: (user) => sent(request("PATCH", `/api/rollouts/${rolloutId}`, { user, groups: "eng", body: HUGE }), (r) => item.PATCH(r, params(rolloutId))),
  },
  {
    label: "archive",
    user: "vera-5",
    action: "archive",
    onRollout: true,
    send: (user) => sent(request("DELETE", `/api/rollouts/${rolloutId}`, { user, groups: "eng" }), (r) => item.DELETE(r, params(rolloutId))),
  },
  {
    label: "add a freeze window with a 1 MB body",
    user: "vera-6",
    action: "freeze_create",
    onRollout: false,
    send: (user) => sent(request("POST", "/api/freeze-windows", { user, groups: "eng", body: HUGE }), (r) => windows.POST(r)),
  },
  {
    label: "remove a freeze window with broken JSON",
    user: "vera-7",
    action: "freeze_delete",
    onRollout: false,
    send: (user) =>
      sent(request("DELETE", "/api/freeze-windows/00000000-0000-4000-8000-000000000000", { user, groups: "eng", body: BROKEN }), (r) =>
        windowItem.DELETE(r, params("00000000-0000-4000-8000-000000000000")),
      ),
  },
  {
    label: "remove a freeze window as an operator, with a 1 MB body",
    user: "omar-8",
    action: "freeze_delete",
    onRollout: false,
    send: (user) =>
      sent(request("DELETE", "/api/freeze-windows/00000000-0000-4000-8000-000000000000", { user, groups: "sre", body: HUGE }), (r) =>
        windowItem.DELETE(r, params("00000000-0000-4000-8000-000000000000")),
      ),
  },
];

describe("a refused role is answered before the body is read", () => {
  it.each(cases)("$label: 403, the body unread, one refusal event", async ({ user, send, action, onRollout }) => {
    const { response, seen } = send(user);
    const res = await response;
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status, JSON.stringify(body)).toBe(403);
    expect(body.error).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("this needs the admin role") });
    expect(seen.read).toBe(false);
    const events = await eventsOf(user);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action,
      outcome: "refused",
      errorCode: "FORBIDDEN",
      rolloutId: onRollout ? rolloutId : null,
      requestId: expect.any(String),
    });
  });

  it("an admin's unreadable body is still refused with 400 and, for a freeze window, audited once", async () => {
    const { request: req } = request("DELETE", "/api/freeze-windows/00000000-0000-4000-8000-000000000000", {
      user: "dana-9",
      groups: "sre-leads",
      body: BROKEN,
    });
    const res = await windowItem.DELETE(req, params("00000000-0000-4000-8000-000000000000"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("BAD_JSON");
    expect((await eventsOf("dana-9")).map((e) => [e.action, e.outcome, e.errorCode])).toEqual([["freeze_delete", "refused", "BAD_JSON"]]);
  });

  it("an action's refusal still names the action the body asked for", async () => {
    const { request: req } = request("POST", `/api/rollouts/${rolloutId}/actions`, {
      user: "vera-10",
      groups: "eng",
      body: '{"action":"rollback","reason":"x"}',
    });
    expect((await actions.POST(req, params(rolloutId))).status).toBe(403);
    expect((await eventsOf("vera-10")).map((e) => [e.action, e.outcome, e.rolloutId])).toEqual([["rollback", "refused", rolloutId]]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as demoFaultRoute from "@/app/api/rollouts/[id]/demo-fault/route";
import { AppError } from "@/lib/app-error";
import { LOCAL_ACTOR } from "@/lib/domain/actor";
import { createSandboxMesh } from "@/lib/mesh/sandbox-mesh";
import { createRollout } from "@/lib/server/create-rollout";
import { getDeps, type Deps } from "@/lib/composition/deps";
import { injectDemoFault } from "@/lib/server/inject-demo-fault";
import { CANARY, STABLE, startStack, type Stack } from "@/sandbox/mesh/test-support";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { freePort } from "../free-port";

/**
 * The demo-fault endpoint leaves one audit event per attempt, as actions do: on the real sandbox
 * mesh (its admin API on 127.0.0.1, following a sandbox Kubernetes API), PostgreSQL, and the real
 * route handler. The event says who broke what; refusals and failures are recorded too.
 */
const CONTEXT = { actor: LOCAL_ACTOR, requestId: "demo-fault-test", clientAddress: "127.0.0.1" };
const canary = { errorRatio: 0.001, p50Ms: 30, p95Ms: 90 };
let stack: Stack;
let demo: Deps;
let rolloutId: string;

beforeAll(async () => {
  await useFreshDatabase();
  stack = await startStack({ weights: [90, 10], profiles: { stable: { errorRatio: 0.001, p50Ms: 30, p95Ms: 90 }, canary } });
  const deps = getDeps();
  demo = { ...deps, sandboxMesh: createSandboxMesh(`${stack.mesh.url}/admin`), auth: () => ({ ...deps.auth(), mode: "demo" as const }) } as Deps;
  const rollout = await createRollout(deps, { input: rolloutInput({ metrics: { stableWorkload: STABLE, canaryWorkload: CANARY } }), context: CONTEXT });
  rolloutId = rollout.id;
}, 60_000);

afterAll(() => stack?.close());

const events = () => getDeps().db.auditEvent.findMany({ where: { action: "demo_fault" }, orderBy: { id: "asc" } });
const canaryProfile = () => stack.mesh.services()[0]!.destinations.find((d) => d.workload === CANARY)!.profile!;

/** Runs one attempt and returns the single audit event it wrote (failing if it wrote none or several). */
async function attempt(run: () => Promise<unknown>) {
  const before = (await events()).length;
  const outcome: { value?: unknown; error?: unknown } = await run().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  const written = (await events()).slice(before);
  expect(written, "one audit event per attempt").toHaveLength(1);
  return { ...outcome, event: written[0]! };
}

describe("demo faults in the audit log", () => {
  it("a success says who injected what into which workload, and so does healing", async () => {
    const broke = await attempt(() => injectDemoFault(demo, { id: rolloutId, input: { fault: "errors" }, context: CONTEXT }));
    expect(canaryProfile().errorRatio).toBe(0.05);
    expect(broke.event).toMatchObject({
      rolloutId,
      actorId: LOCAL_ACTOR.id,
      outcome: "success",
      errorCode: null,
      requestId: "demo-fault-test",
      clientAddress: "127.0.0.1",
      after: { fault: "errors", namespace: "shop", workload: CANARY, profile: { errorRatio: 0.05 } },
    });
    const healed = await attempt(() => injectDemoFault(demo, { id: rolloutId, input: { fault: "heal" }, context: CONTEXT }));
    expect(canaryProfile()).toEqual(canary);
    expect(healed.event).toMatchObject({ rolloutId, outcome: "success", after: { fault: "heal", reset: "every demo workload" } });
  });

  it("refusals (bad fault, unreadable body, unknown rollout) and a mesh that does not answer are one event each", async () => {
    const bad = await attempt(() => injectDemoFault(demo, { id: rolloutId, input: { fault: "explode" }, context: CONTEXT }));
    expect(bad).toMatchObject({ error: { code: "VALIDATION" }, event: { rolloutId, outcome: "refused", errorCode: "VALIDATION", after: null } });
    const unreadable = new AppError("BAD_JSON", "the request body is not valid JSON");
    const body = await attempt(() => injectDemoFault(demo, { id: rolloutId, input: undefined, bodyError: unreadable, context: CONTEXT }));
    expect(body.event).toMatchObject({ rolloutId, outcome: "refused", errorCode: "BAD_JSON" });
    const unknown = await attempt(() => injectDemoFault(demo, { id: "00000000-0000-0000-0000-000000000000", input: { fault: "errors" }, context: CONTEXT }));
    expect(unknown.event).toMatchObject({ rolloutId: null, outcome: "refused", errorCode: "NOT_FOUND" });

    const down = { ...demo, sandboxMesh: createSandboxMesh(`http://127.0.0.1:${await freePort()}/admin`, { timeoutMs: 1_000 }) };
    const failed = await attempt(() => injectDemoFault(down, { id: rolloutId, input: { fault: "latency" }, context: CONTEXT }));
    expect(failed).toMatchObject({ error: { code: "SANDBOX_UNAVAILABLE" } });
    expect(failed.event).toMatchObject({
      rolloutId,
      outcome: "failed",
      errorCode: "SANDBOX_UNAVAILABLE",
      after: { fault: "latency", workload: CANARY, profile: { p50Ms: 320, p95Ms: 900 } }, // what it tried
    });
    expect(canaryProfile()).toEqual(canary);
  });

  it("outside demo mode, through the route: 404 as if it did not exist, still one refused event, bad bodies included", async () => {
    const post = (body: string, type = "application/json") =>
      demoFaultRoute.POST(new Request(`http://aviary.test/api/rollouts/${rolloutId}/demo-fault`, { method: "POST", headers: { "content-type": type }, body }), {
        params: Promise.resolve({ id: rolloutId }),
      });
    for (const [body, type] of [
      [JSON.stringify({ fault: "errors" }), "application/json"],
      ["{not json", "application/json"],
      ["x", "text/plain"],
    ] as const) {
      const { event, value } = await attempt(() => post(body, type));
      expect((value as Response).status).toBe(404);
      expect(event).toMatchObject({ outcome: "refused", errorCode: "NOT_FOUND", actorId: "local-user" });
    }
    expect(canaryProfile()).toEqual(canary);
    await expectAuditChainIntact();
  });
});

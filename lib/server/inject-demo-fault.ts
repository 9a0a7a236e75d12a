import { z } from "zod";
import { AppError } from "../app-error";
import { DEMO_FAULTS, type DemoFault } from "../contracts/analysis";
import { appendAuditEvent } from "../db/audit/events";
import type { RequestContext } from "../domain/actor";
import { parse } from "../domain/validation-errors";
import { log } from "../log";
import { actionErrorCode, actionOutcome } from "./action-audit";
import type { Deps } from "./deps";
import { getRollout } from "./get-rollout";

const inputSchema = z.strictObject({ fault: z.enum(DEMO_FAULTS, { error: `fault must be one of ${DEMO_FAULTS.join(", ")}` }) });

/** 5% of answers 5xx; answers four times slower than the usual demo canary; or back to the demo's configuration. */
const PROFILES = { errors: { errorRatio: 0.05 }, latency: { p50Ms: 320, p95Ms: 900 } } as const;

export const DEMO_FAULT_ACTION = "demo_fault";

export type DemoFaultResult = { rolloutId: string; workload: string; fault: DemoFault; message: string };

export type InjectDemoFaultOptions = {
  id: string;
  input: unknown;
  /** Why the request body could not be read (bad JSON, content type, size): refused and audited. */
  bodyError?: unknown;
  context: RequestContext;
};

/**
 * Demo only: breaks (or heals) the canary of a rollout in the sandbox mesh, so a visitor can watch
 * automated analysis react. Refused (404, as if the route did not exist) outside demo mode or
 * without a sandbox mesh; it never touches a cluster, only the test double's traffic. Every
 * attempt, refused and failed ones included, is one audit event (`demo_fault`) like an action's:
 * it changes what analysis sees and may make the loop roll a canary back, so the log must say who
 * broke what, when. `after` holds what was injected (or would have been, when the mesh failed).
 */
export async function injectDemoFault(deps: Deps, { id, input, bodyError, context }: InjectDemoFaultOptions): Promise<DemoFaultResult> {
  const startedAt = performance.now();
  let rolloutId: string | null = null;
  let injected: Record<string, unknown> | null = null;
  const record = (error?: unknown) =>
    appendAuditEvent(deps.db, {
      rolloutId,
      actor: context.actor,
      action: DEMO_FAULT_ACTION,
      outcome: actionOutcome(error),
      error: error === undefined ? null : { code: actionErrorCode(error)!, message: error instanceof Error ? error.message : String(error) },
      after: injected,
      durationMs: Math.round(performance.now() - startedAt),
      requestId: context.requestId,
      clientAddress: context.clientAddress,
    });
  let audited = false;
  try {
    if (deps.auth().mode !== "demo" || !deps.sandboxMesh) throw new AppError("NOT_FOUND", "breaking canaries on purpose is a demo feature");
    const rollout = await getRollout(deps, { id });
    rolloutId = rollout.id; // from here on, refusals show on the rollout's own timeline
    if (bodyError !== undefined) throw bodyError;
    const { fault } = parse(inputSchema, input);
    const workload = rollout.metrics.canaryWorkload;
    injected = fault === "heal" ? { fault, reset: "every demo workload" } : { fault, namespace: rollout.namespace, workload, profile: PROFILES[fault] };
    if (fault === "heal") await deps.sandboxMesh.reset();
    else await deps.sandboxMesh.setProfile(rollout.namespace, workload, PROFILES[fault]);
    audited = true;
    await record();
    const message =
      fault === "heal"
        ? "every demo workload answers as configured again"
        : `${rollout.namespace}/${workload} now answers ${fault === "errors" ? "5% of requests with 5xx" : "with a P95 of about 900 ms"} in the sandbox mesh`;
    log.info("demo fault injected", { requestId: context.requestId, fault, rolloutId: rollout.id, workload, actor: context.actor.id });
    return { rolloutId: rollout.id, workload, fault, message };
  } catch (error) {
    // A failure to write the success event is not recorded a second time: one event per attempt at most.
    if (!audited) await record(error);
    throw error;
  }
}

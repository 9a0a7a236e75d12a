import { z } from "zod";
import { AppError } from "../app-error";
import { DEMO_FAULTS, type DemoFault } from "../contracts/analysis";
import { parse } from "../domain/validation-errors";
import { log } from "../log";
import { audited, type Command, type CommandInput } from "./commands/audited";
import type { Deps } from "../composition/deps";
import { getRollout } from "./get-rollout";

const inputSchema = z.strictObject({ fault: z.enum(DEMO_FAULTS, { error: `fault must be one of ${DEMO_FAULTS.join(", ")}` }) });

/** 5% of answers 5xx; answers four times slower than the usual demo canary; or back to the demo's configuration. */
const PROFILES = { errors: { errorRatio: 0.05 }, latency: { p50Ms: 320, p95Ms: 900 } } as const;

export const DEMO_FAULT_ACTION = "demo_fault";

export type DemoFaultResult = { rolloutId: string; workload: string; fault: DemoFault; message: string };

export type InjectDemoFaultOptions = { id: string } & CommandInput;

/** POST /api/rollouts/{id}/demo-fault: operators. */
export const injectDemoFaultCommand = {
  role: "operator",
  name: DEMO_FAULT_ACTION,
  body: "json",
  run: (deps, options) => injectDemoFault(deps, options),
} satisfies Command<{ id: string }, DemoFaultResult>;

/**
 * Demo only: breaks (or heals) the canary of a rollout in the sandbox mesh, so a visitor can watch
 * automated analysis react. Refused (404, as if the route did not exist) outside demo mode or
 * without a sandbox mesh; it never touches a cluster, only the test double's traffic. Every
 * attempt, refused and failed ones included, is one audit event (`demo_fault`) like an action's:
 * it changes what analysis sees and may make the loop roll a canary back, so the log must say who
 * broke what, when. `after` holds what was injected (or would have been, when the mesh failed).
 */
export async function injectDemoFault(deps: Deps, { id, input, bodyError, context }: InjectDemoFaultOptions): Promise<DemoFaultResult> {
  return audited(deps, { action: DEMO_FAULT_ACTION, context }, async (trail) => {
    if (deps.auth().mode !== "demo" || !deps.sandboxMesh) throw new AppError("NOT_FOUND", "breaking canaries on purpose is a demo feature");
    const rollout = await getRollout(deps, { id });
    trail.rolloutId = rollout.id; // from here on, refusals show on the rollout's own timeline
    if (bodyError !== undefined) throw bodyError;
    const { fault } = parse(inputSchema, input);
    const workload = rollout.metrics.canaryWorkload;
    // Kept in the attempt's event whatever happens next: a failed injection says what it tried.
    trail.after = fault === "heal" ? { fault, reset: "every demo workload" } : { fault, namespace: rollout.namespace, workload, profile: PROFILES[fault] };
    if (fault === "heal") await deps.sandboxMesh.reset();
    else await deps.sandboxMesh.setProfile(rollout.namespace, workload, PROFILES[fault]);
    await trail.write((_tx, record) => record());
    const message =
      fault === "heal"
        ? "every demo workload answers as configured again"
        : `${rollout.namespace}/${workload} now answers ${fault === "errors" ? "5% of requests with 5xx" : "with a P95 of about 900 ms"} in the sandbox mesh`;
    log.info("demo fault injected", { requestId: context.requestId, fault, rolloutId: rollout.id, workload, actor: context.actor.id });
    return { rolloutId: rollout.id, workload, fault, message };
  });
}

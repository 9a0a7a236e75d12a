import { z } from "zod";
import { AppError } from "../app-error";
import { DEMO_FAULTS, type DemoFault } from "../contracts/analysis";
import type { RequestContext } from "../domain/actor";
import { parse } from "../domain/validation-errors";
import type { Deps } from "./deps";
import { getRollout } from "./get-rollout";

const inputSchema = z.strictObject({ fault: z.enum(DEMO_FAULTS, { error: `fault must be one of ${DEMO_FAULTS.join(", ")}` }) });

/** 5% of answers 5xx; answers four times slower than the usual demo canary; or back to the demo's configuration. */
const PROFILES = { errors: { errorRatio: 0.05 }, latency: { p50Ms: 320, p95Ms: 900 } } as const;

export type DemoFaultResult = { rolloutId: string; workload: string; fault: DemoFault; message: string };

/**
 * Demo only: breaks (or heals) the canary of a rollout in the sandbox mesh, so a visitor can watch
 * automated analysis react. Refused (404, as if the route did not exist) outside demo mode or
 * without a sandbox mesh; it never touches a cluster, only the test double's traffic.
 */
export async function injectDemoFault(deps: Deps, { id, input, context }: { id: string; input: unknown; context: RequestContext }): Promise<DemoFaultResult> {
  if (deps.auth().mode !== "demo" || !deps.sandboxMesh) throw new AppError("NOT_FOUND", "breaking canaries on purpose is a demo feature");
  const { fault } = parse(inputSchema, input);
  const rollout = await getRollout(deps, { id });
  const workload = rollout.metrics.canaryWorkload;
  if (fault === "heal") await deps.sandboxMesh.reset();
  else await deps.sandboxMesh.setProfile(rollout.namespace, workload, PROFILES[fault]);
  const message =
    fault === "heal"
      ? "every demo workload answers as configured again"
      : `${rollout.namespace}/${workload} now answers ${fault === "errors" ? "5% of requests with 5xx" : "with a P95 of about 900 ms"} in the sandbox mesh`;
  console.log(
    JSON.stringify({ level: "info", at: deps.now().toISOString(), msg: "demo fault injected", fault, rolloutId: rollout.id, workload, by: context.actor.id }),
  );
  return { rolloutId: rollout.id, workload, fault, message };
}

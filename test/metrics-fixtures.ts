import { LOCAL_ACTOR } from "@/lib/domain/actor";
import type { KubePort } from "@/lib/kube/virtual-services";
import type { PrometheusClient } from "@/lib/prometheus/client";
import { CHECKOUT } from "@/lib/prometheus/test-support";
import { createRollout } from "@/lib/server/create-rollout";
import type { Deps } from "@/lib/composition/deps";
import { rolloutInput } from "./fixtures";
import { getDeps } from "@/lib/composition/deps";

/**
 * Test-only helpers for the SLI use cases: deps around a test Prometheus and a fixed clock, a
 * rollout pointed at the backfilled checkout workloads, and audit events at chosen times (the
 * log is append-only, but inserting history with a past timestamp is allowed).
 */

export const CONTEXT = { actor: LOCAL_ACTOR, requestId: "metrics-test", clientAddress: null };

export function testDeps({ prometheus, now }: { prometheus: PrometheusClient; now: Date }): Deps {
  const kube = {} as KubePort; // the SLI use cases never touch the cluster
  return { ...getDeps(), kube, prometheus, now: () => now, sleep: async () => {} };
}

/** A rollout on the checkout workloads of test-support's history, created `createdAt`. */
export async function checkoutRollout({ deps, createdAt, overrides = {} }: { deps: Deps; createdAt: Date; overrides?: Record<string, unknown> }) {
  const input = rolloutInput({
    namespace: CHECKOUT.namespace,
    metrics: { stableWorkload: CHECKOUT.stable, canaryWorkload: CHECKOUT.canary },
    slo: { availability: 99.9, latencyP95Ms: 300 },
    ...overrides,
  });
  const rollout = await createRollout(deps, { input, context: CONTEXT });
  await getDeps().db.rollout.update({ where: { id: rollout.id }, data: { createdAt } });
  return { ...rollout, createdAt };
}

"use client";

import "./analysis.css";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { analysisApi } from "@/lib/client/analysis-api";
import { queryKeys } from "@/lib/client/query-keys";
import { useSession } from "@/lib/client/use-session";
import type { DemoFault } from "@/lib/contracts/analysis";

const BUTTONS: { fault: DemoFault; label: string }[] = [
  { fault: "errors", label: "Make the canary fail (5% errors)" },
  { fault: "latency", label: "Make the canary slow (P95 ≈ 900 ms)" },
  { fault: "heal", label: "Heal every demo canary" },
];

/**
 * Demo only: break this rollout's canary in the sandbox mesh and watch analysis react. The
 * sandbox mesh is a test double; nothing here reaches a real cluster.
 */
export function DemoFaultControls({ rolloutId }: { rolloutId: string }) {
  const denied = useSession().reason("rollouts.act", "break a demo canary");
  const queryClient = useQueryClient();
  const inject = useMutation({
    mutationFn: (fault: DemoFault) => analysisApi.demoFault(rolloutId, fault),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.rollouts.analysis(rolloutId) }),
  });
  return (
    <div className="demo-faults" role="group" aria-labelledby="demo-faults-heading">
      <h3 id="demo-faults-heading">Demo: try it</h3>
      <p className="muted">
        Change how this canary answers in the sandbox mesh and watch the gates above: errors show within seconds, latency within a minute or so. Only the
        demo&apos;s simulated traffic changes.
      </p>
      <div className="demo-faults-buttons">
        {BUTTONS.map(({ fault, label }) => (
          <button
            key={fault}
            type="button"
            className="button"
            disabled={denied !== null || inject.isPending}
            title={denied ?? undefined}
            onClick={() => inject.mutate(fault)}
          >
            {label}
          </button>
        ))}
      </div>
      {inject.isSuccess ? (
        <p role="status" className="muted">
          Done: {inject.data.message}.
        </p>
      ) : null}
      {inject.isError ? (
        <p role="alert" className="banner banner-error">
          {(inject.error as Error).message}
        </p>
      ) : null}
    </div>
  );
}

"use client";

import { useMutation } from "@tanstack/react-query";
import { ApiError, api } from "@/lib/client/api";
import type { VirtualServiceInspection } from "@/lib/contracts/inspection";
import "./rollout-form.css";

type Target = { cluster?: string; namespace: string; virtualService: string; route?: string; stable: unknown; canary: unknown };

/**
 * "Check VirtualService": reads the target from the cluster before saving and shows what is
 * there — its routes and weights, and whether Aviary can drive the chosen one.
 */
export function TargetCheck({ target, onFieldErrors }: { target: Target; onFieldErrors: (fields: Record<string, string>) => void }) {
  const check = useMutation({
    mutationFn: () => api.inspectVirtualService(target),
    onError: (error) => {
      if (error instanceof ApiError && Object.keys(error.fields).length > 0) onFieldErrors(error.fields);
    },
  });
  return (
    <div className="target-check">
      <button type="button" className="button" onClick={() => check.mutate()} disabled={check.isPending}>
        {check.isPending ? "Reading the cluster…" : "Check VirtualService"}
      </button>
      <div aria-live="polite">
        {check.isError ? <p className="field-error">{check.error.message}</p> : null}
        {check.data ? <Inspection result={check.data} /> : null}
      </div>
    </div>
  );
}

function Inspection({ result }: { result: VirtualServiceInspection }) {
  return (
    <div className={result.problem ? "banner banner-error" : "banner banner-ok"} role="status">
      {result.match ? (
        <p>
          <strong>Aviary can drive this route.</strong> Route <span className="mono">{result.match.routeName ?? "(only route)"}</span> sends{" "}
          {result.match.stableWeight}% to stable and {result.match.canaryWeight}% to canary now.
        </p>
      ) : (
        <p>
          <strong>Aviary cannot drive it yet:</strong> {result.problem?.message}
        </p>
      )}
      {result.virtualService ? (
        <details open={!result.match}>
          <summary>What the VirtualService holds (resourceVersion {result.virtualService.resourceVersion})</summary>
          <ul className="inspection-routes">
            {result.virtualService.routes.map((route, index) => (
              <li key={index}>
                <span className="mono">{route.name ?? `(unnamed route ${index})`}</span>:{" "}
                {route.destinations.map((d) => `${d.host}${d.subset ? ` subset ${d.subset}` : ""}${d.port ? `:${d.port}` : ""} ${d.weight ?? 0}%`).join(", ") ||
                  "no destinations"}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

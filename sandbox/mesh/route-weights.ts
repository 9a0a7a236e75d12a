// Reads one HTTP route's weights out of a VirtualService, in the order of the
// configured destinations. Pure, so the matching rules can be tested without a
// server. Routing semantics follow Istio: a lone destination without a weight
// takes all traffic, and short hosts resolve in the VirtualService's namespace.
import { z } from "zod";
import type { ServiceConfig } from "./config";
import { resolveHost } from "./istio-labels";

// Loose on purpose: a VirtualService carries many fields the mesh does not use.
const virtualServiceSchema = z.object({
  spec: z.object({
    http: z
      .array(
        z.object({
          name: z.string().optional(),
          route: z
            .array(
              z.object({
                destination: z.object({ host: z.string(), subset: z.string().optional() }),
                weight: z.number().optional(),
              }),
            )
            .optional(),
        }),
      )
      .optional(),
  }),
});

export type RouteWeights = {
  /** One weight per configured destination (0 when the route does not list it). */
  weights: number[];
  /** Weight of route destinations the config does not describe: their requests are not simulated. */
  unmatchedWeight: number;
  unmatched: string[];
};

export function readRouteWeights({ object, service }: { object: unknown; service: ServiceConfig }): RouteWeights {
  const parsed = virtualServiceSchema.safeParse(object);
  if (!parsed.success) throw new Error(`VirtualService is not shaped as expected: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const http = parsed.data.spec.http ?? [];
  const candidates = service.route ? http.filter((r) => r.name === service.route) : http;
  if (candidates.length !== 1) {
    const names = http.map((r) => r.name ?? "(unnamed)").join(", ") || "none";
    throw new Error(
      service.route
        ? `expected one HTTP route named "${service.route}", found ${candidates.length} (routes: ${names})`
        : `has ${http.length} HTTP routes (${names}); set "route" in the mesh config`,
    );
  }
  const entries = candidates[0]?.route ?? [];
  const targetOf = (host: string, subset?: string) => `${resolveHost({ host, namespace: service.namespace }).fqdn}|${subset ?? ""}`;
  const wanted = service.destinations.map((d) => targetOf(d.host, d.subset));
  const weights = wanted.map(() => 0);
  const result: RouteWeights = { weights, unmatchedWeight: 0, unmatched: [] };
  for (const entry of entries) {
    const weight = entry.weight ?? (entries.length === 1 ? 100 : 0);
    const index = wanted.indexOf(targetOf(entry.destination.host, entry.destination.subset));
    if (index >= 0) {
      weights[index] = (weights[index] ?? 0) + weight;
    } else {
      result.unmatchedWeight += weight;
      result.unmatched.push(`${entry.destination.host}${entry.destination.subset ? `/${entry.destination.subset}` : ""}`);
    }
  }
  return result;
}

import { z } from "zod";
import type { VirtualServiceView } from "../domain/virtual-service-route";

/**
 * The parts of a VirtualService Aviary reads, checked at the boundary. Everything else in the
 * object is kept as is (loose objects) and never written back.
 */
const destination = z.looseObject({
  host: z.string({ error: "destination.host must be a string" }),
  subset: z.string().optional(),
  port: z.looseObject({ number: z.number().int().optional() }).optional(),
});
const routeEntry = z.looseObject({ destination, weight: z.number().int().optional() });
const httpRoute = z.looseObject({ name: z.string().optional(), route: z.array(routeEntry).optional() });

export const virtualServiceSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string(),
    resourceVersion: z.string({ error: "metadata.resourceVersion is missing" }),
  }),
  spec: z.looseObject({ http: z.array(httpRoute).optional() }),
});

export function toView(raw: unknown): VirtualServiceView | { error: string } {
  const parsed = virtualServiceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${issue?.path.join(".") || "object"}: ${issue?.message}` };
  }
  const { metadata, spec } = parsed.data;
  return {
    name: metadata.name,
    namespace: metadata.namespace,
    resourceVersion: metadata.resourceVersion,
    http: (spec.http ?? []).map((http) => ({
      ...(http.name === undefined ? {} : { name: http.name }),
      route: (http.route ?? []).map((entry) => ({
        destination: {
          host: entry.destination.host,
          ...(entry.destination.subset === undefined ? {} : { subset: entry.destination.subset }),
          ...(entry.destination.port === undefined ? {} : { port: { number: entry.destination.port.number } }),
        },
        ...(entry.weight === undefined ? {} : { weight: entry.weight }),
      })),
    })),
  };
}

// The mesh's configuration: which VirtualService routes to follow and how the
// workloads behind them behave. Validated with zod because it comes from a file
// or a test, and a typo (say "p59Ms") should fail loudly instead of simulating
// something other than what the caller meant.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { resolveHost } from "./istio-labels";

export const profileFields = {
  /** Share (0..1) of requests answered with a 5xx. */
  errorRatio: z.number().min(0).max(1),
  p50Ms: z.number().positive().max(3_600_000),
  p95Ms: z.number().positive().max(3_600_000),
};

// A p95 below the p50 would give a negative sigma, i.e. no log-normal at all.
const p95AtLeastP50 = (p: { p50Ms: number; p95Ms: number }) => p.p95Ms >= p.p50Ms;
const P95_MESSAGE = "p95Ms must be greater than or equal to p50Ms";

export const profileSchema = z.strictObject(profileFields).refine(p95AtLeastP50, { path: ["p95Ms"], message: P95_MESSAGE });

// Per-request sampling costs a few microseconds; the cap keeps a typo from pinning a core.
export const rpsSchema = z.number().min(0).max(100_000);

const destinationSchema = z.strictObject({
  host: z.string().min(1),
  subset: z.string().min(1).optional(),
  workload: z.string().min(1),
  version: z.string().min(1).optional(),
  profile: profileSchema,
});

const serviceSchema = z.strictObject({
  namespace: z.string().min(1),
  virtualService: z.string().min(1),
  /** HTTP route name; may be omitted when the VirtualService has exactly one HTTP route. */
  route: z.string().min(1).optional(),
  rps: rpsSchema,
  destinations: z.array(destinationSchema).min(1),
});

export const meshConfigSchema = z
  .strictObject({
    kubeconfigPath: z.string().min(1),
    pollIntervalMs: z.number().int().min(20).max(60_000).default(1_000),
    tickMs: z.number().int().min(10).max(5_000).default(250),
    /** Makes the simulated traffic reproducible; random when omitted. */
    seed: z.number().int().optional(),
    /** Real Istio reports every request twice (gateway and sidecar); both by default. */
    reporters: z
      .array(z.enum(["destination", "source"]))
      .min(1)
      .default(["destination", "source"]),
    services: z.array(serviceSchema).min(1),
  })
  .superRefine((config, ctx) => {
    const services = new Set<string>();
    const workloads = new Set<string>();
    config.services.forEach((service, s) => {
      const key = `${service.namespace}/${service.virtualService}`;
      if (services.has(key)) ctx.addIssue({ code: "custom", path: ["services", s, "virtualService"], message: `${key} is configured twice` });
      services.add(key);
      const targets = new Set<string>();
      service.destinations.forEach((d, i) => {
        const host = resolveHost({ host: d.host, namespace: service.namespace });
        const target = `${host.fqdn}|${d.subset ?? ""}`;
        if (targets.has(target))
          ctx.addIssue({
            code: "custom",
            path: ["services", s, "destinations", i, "subset"],
            message: `${d.host} subset ${d.subset ?? "(none)"} is listed twice`,
          });
        targets.add(target);
        // Profiles are addressed by namespace/workload in the admin API, so that pair must be unique.
        const workload = `${host.namespace}/${d.workload}`;
        if (workloads.has(workload))
          ctx.addIssue({ code: "custom", path: ["services", s, "destinations", i, "workload"], message: `workload ${workload} is configured twice` });
        workloads.add(workload);
      });
    });
  });

export type Profile = z.infer<typeof profileSchema>;
export type MeshConfigInput = z.input<typeof meshConfigSchema>;
export type MeshConfig = z.output<typeof meshConfigSchema>;
export type ServiceConfig = MeshConfig["services"][number];
export type DestinationConfig = ServiceConfig["destinations"][number];
export type Reporter = MeshConfig["reporters"][number];

export function parseMeshConfig(raw: unknown): MeshConfig {
  const result = meshConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new Error(`invalid sandbox mesh config: ${problems.join("; ")}`);
}

/** Reads a JSON or YAML config; a relative kubeconfigPath is taken from the working directory, like a CLI flag. */
export function loadMeshConfigFile(file: string): MeshConfig {
  const text = readFileSync(file, "utf8");
  const raw: unknown = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  const config = parseMeshConfig(raw);
  return { ...config, kubeconfigPath: path.resolve(config.kubeconfigPath) };
}

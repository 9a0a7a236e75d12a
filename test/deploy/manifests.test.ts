import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IJob } from "kubernetes-models/batch/v1";
import type { IIngress, INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { IRole, IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import type { IContainer, IPodSpec, IService, IServiceAccount } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAuthConfig } from "../../lib/auth/config";
import { auditKey } from "../../lib/db/audit/key";
import { userOf } from "../../lib/db/runtime-grants";
import { databaseUrl, parseServerEnv } from "../../lib/env";
import { parseClusterConfigs } from "../../lib/kube/clusters";
import { checkBearerToken } from "../../lib/http/bearer-token";
import { prometheusFromEnv } from "../../lib/prometheus/config";
import { notifyConfigFromEnv } from "../../lib/server/notifications/config";
import { kubeApiCalls, parsedEnvNames } from "./code-facts";
import { render, renderWithComponents, unknownFields, validateSchema, type K8sObject } from "./render";

/**
 * deploy/kustomize, rendered by `kubectl kustomize` as `kubectl apply -k` would, checked against
 * the Kubernetes API schemas and against the code: the RBAC grants exactly the calls lib/kube
 * makes, the configuration names only variables Aviary parses and satisfies its production
 * rules, and the workloads keep the security and availability promises README.md makes.
 */
const DIRS = ["base", "migration", "driven-namespace", "overlays/example/app", "overlays/example/migrate", "overlays/example/driven-namespaces"];
/** The example server with the optional parts its kustomization.yaml offers commented out, switched on. */
const WITH_OPTIONS = "overlays/example/app + servicemonitor + http-check-egress";
const OPTIONS = ["../../../components/servicemonitor", "../http-check-egress"];
const rendered = new Map([...DIRS.map((dir) => [dir, render(dir)] as const), [WITH_OPTIONS, renderWithComponents("overlays/example/app", OPTIONS)] as const]);
const RENDERS = [...rendered.keys()];
const all = [...rendered.values()].flat();
const app = rendered.get("overlays/example/app")!;
const appWithOptions = rendered.get(WITH_OPTIONS)!;
const migrate = rendered.get("overlays/example/migrate")!;
const ROOT = path.resolve(import.meta.dirname, "..", "..");

const ofKind = <T>(objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as unknown as (T & K8sObject)[];
const one = <T>(objects: K8sObject[], kind: string): T & K8sObject => {
  const found = ofKind<T>(objects, kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  Boolean(selector && Object.keys(selector).length) && Object.entries(selector!).every(([k, v]) => labels?.[k] === v);
const decode = (data: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));

/** The environment a container starts with: envFrom ConfigMaps and Secrets, then env (values and secretKeyRefs). */
function containerEnv(objects: K8sObject[], container: IContainer): Record<string, string> {
  const named = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`${container.name} refers to ${kind} ${name}, which is not rendered with it`);
    return kind === "Secret" ? decode(found.data as Record<string, string>) : ((found.data ?? {}) as Record<string, string>);
  };
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, named("ConfigMap", from.configMapRef.name!));
    if (from.secretRef) Object.assign(env, named("Secret", from.secretRef.name!));
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    env[e.name] = ref ? (named("Secret", ref.name!)[ref.key] ?? `<missing ${ref.key}>`) : (e.value ?? "");
  }
  return env;
}

/** Names a container's environment may get from the manifests, without resolving them (the base has no Secret). */
function envNames(objects: K8sObject[], container: IContainer): string[] {
  const data = (kind: string, name: string) => Object.keys((objects.find((o) => o.kind === kind && o.metadata.name === name)?.data ?? {}) as object);
  return [
    ...(container.envFrom ?? []).flatMap((f) => [
      ...(f.configMapRef ? data("ConfigMap", f.configMapRef.name!) : []),
      ...(f.secretRef ? data("Secret", f.secretRef.name!) : []),
    ]),
    ...(container.env ?? []).map((e) => e.name),
  ];
}

const workloads = (objects: K8sObject[]) => [
  ...ofKind<IDeployment>(objects, "Deployment").map((d) => ({ name: `Deployment ${d.metadata.name}`, pod: d.spec!.template, objects })),
  ...ofKind<IJob>(objects, "Job").map((j) => ({ name: `Job ${j.metadata.name}`, pod: j.spec!.template, objects })),
];
const allWorkloads = [...rendered.values()].flatMap(workloads);

describe("deploy/kustomize renders valid Kubernetes objects", () => {
  it.each(RENDERS)("%s: every object passes its API schema and has no field the API does not know", (dir) => {
    const objects = rendered.get(dir)!;
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      expect(() => validateSchema(object), `${object.kind} ${object.metadata.name}`).not.toThrow();
      expect(unknownFields(object), `${object.kind} ${object.metadata.name}`).toEqual([]);
    }
  });

  it("the field check catches a typo the schema lets through", () => {
    const deployment = structuredClone(one<IDeployment>(app, "Deployment"));
    (deployment.spec!.template.spec!.containers[0]!.securityContext as Record<string, unknown>).readOnlyRootFileSystem = true;
    expect(() => validateSchema(deployment)).not.toThrow();
    expect(unknownFields(deployment)).toEqual(["Deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem"]);
  });

  it("labels every object as part of Aviary, and names it aviary", () => {
    for (const o of all) {
      expect(o.metadata.labels?.["app.kubernetes.io/part-of"], `${o.kind} ${o.metadata.name}`).toBe("aviary");
      if (o.kind !== "Namespace") expect(o.metadata.labels?.["app.kubernetes.io/name"], `${o.kind} ${o.metadata.name}`).toBe("aviary");
    }
  });
});

describe("RBAC grants exactly the Kubernetes API calls lib/kube makes", () => {
  const needed = new Set(kubeApiCalls().map((c) => `${c.group}/${c.resource}:${c.verb}`));

  it("reads the calls from the code: get, list, watch and patch on VirtualServices", () => {
    expect([...needed].sort()).toEqual(["get", "list", "patch", "watch"].map((verb) => `networking.istio.io/virtualservices:${verb}`));
  });

  it("a call the code adds is seen, and one it cannot map fails", () => {
    const adapter = (body: string) => [{ file: "lib/kube/x.ts", text: `const GROUP = "networking.istio.io";\nconst PLURAL = "virtualservices";\n${body}` }];
    expect(kubeApiCalls(adapter("api.deleteNamespacedCustomObject({ group: GROUP, plural: PLURAL })")).map((c) => c.verb)).toEqual(["delete"]);
    expect(() => kubeApiCalls(adapter("kc.makeApiClient(CoreV1Api)"))).toThrow(/CoreV1Api/);
    expect(() => kubeApiCalls(adapter("api.getClusterCustomObject({ group: GROUP, plural: PLURAL })"))).toThrow(/getClusterCustomObject/);
    expect(() => kubeApiCalls(adapter('api.getNamespacedCustomObject({ group: GROUP, plural: "gateways" })'))).toThrow(/gateways/);
  });

  it("each Role allows those and nothing more, and nothing is cluster-wide", () => {
    expect(all.filter((o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding")).toEqual([]);
    const roles = ofKind<IRole>(all, "Role");
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      const granted = new Set<string>();
      for (const rule of role.rules ?? []) {
        expect(rule.nonResourceURLs ?? [], role.metadata.name).toEqual([]);
        for (const group of rule.apiGroups ?? [])
          for (const resource of rule.resources ?? []) for (const verb of rule.verbs) granted.add(`${group}/${resource}:${verb}`);
      }
      expect([...granted].sort(), `Role ${role.metadata.namespace}/${role.metadata.name}`).toEqual([...needed].sort());
    }
  });

  it("binds each Role, in its own namespace, to the server's ServiceAccount only", () => {
    const deployment = one<IDeployment>(app, "Deployment");
    const serviceAccount = { kind: "ServiceAccount", name: deployment.spec!.template.spec!.serviceAccountName, namespace: deployment.metadata.namespace };
    const driven = rendered.get("overlays/example/driven-namespaces")!;
    const bindings = ofKind<IRoleBinding>(driven, "RoleBinding");
    expect(bindings.map((b) => b.metadata.namespace).sort()).toEqual(["payments", "shop"]);
    for (const binding of bindings) {
      expect(binding.roleRef.kind).toBe("Role");
      expect(driven.some((r) => r.kind === "Role" && r.metadata.name === binding.roleRef.name && r.metadata.namespace === binding.metadata.namespace)).toBe(
        true,
      );
      expect(binding.subjects).toEqual([serviceAccount]);
    }
    const migrationAccount = one<IJob>(migrate, "Job").spec!.template.spec!.serviceAccountName;
    expect(
      ofKind<IRoleBinding>(all, "RoleBinding")
        .flatMap((b) => b.subjects ?? [])
        .filter((s) => s.name === migrationAccount),
    ).toEqual([]);
  });

  it("mounts an API token only into the server, which patches VirtualServices", () => {
    for (const sa of ofKind<IServiceAccount>(all, "ServiceAccount")) expect(sa.automountServiceAccountToken, sa.metadata.name).toBe(false);
    for (const { name, pod } of allWorkloads) expect(pod.spec!.automountServiceAccountToken, name).toBe(name.startsWith("Deployment"));
  });
});

describe("configuration", () => {
  const known = parsedEnvNames();

  it.each(RENDERS.filter((dir) => rendered.get(dir)!.some((o) => o.kind === "Deployment" || o.kind === "Job")))(
    "%s: names only variables Aviary's parsers read",
    (dir) => {
      for (const { name, pod, objects } of workloads(rendered.get(dir)!)) {
        for (const container of pod.spec!.containers)
          expect(
            envNames(objects, container).filter((n) => !known.has(n)),
            name,
          ).toEqual([]);
      }
    },
  );

  it("gives the server everything production requires, and its parsers accept it", () => {
    const env = containerEnv(app, one<IDeployment>(app, "Deployment").spec!.template.spec!.containers[0]!);
    expect(env.NODE_ENV).toBe("production");
    expect(() => parseServerEnv(env)).not.toThrow();
    expect(databaseUrl(env)).toMatch(/^postgresql:\/\//);
    expect(parseAuthConfig(env).mode).toBe("oidc");
    expect(() => prometheusFromEnv(env)).not.toThrow();
    expect(parseClusterConfigs(env)).toEqual({ default: { inCluster: true } });
    expect(auditKey(env).length).toBeGreaterThanOrEqual(32);
    expect(env.AVIARY_MIGRATION_DATABASE_URL, "the server must not hold the owner role").toBeUndefined();
  });

  it("keeps credentials in the Secret, never in a ConfigMap: metrics token, notification URLs and signing secret", () => {
    const container = one<IDeployment>(app, "Deployment").spec!.template.spec!.containers[0]!;
    const fromConfigMaps = (container.envFrom ?? []).flatMap((f) =>
      f.configMapRef ? Object.keys((app.find((o) => o.kind === "ConfigMap" && o.metadata.name === f.configMapRef!.name)?.data ?? {}) as object) : [],
    );
    const secret = app.find((o) => o.kind === "Secret" && o.metadata.name === container.envFrom?.find((f) => f.secretRef)?.secretRef?.name)!;
    const credential = /(SECRET|TOKEN|PASSWORD|_KEY|WEBHOOK_URL|DATABASE_URL)$/;
    expect(fromConfigMaps.filter((name) => credential.test(name))).toEqual([]);
    expect(Object.keys(secret.data as object)).toEqual(
      expect.arrayContaining(["AVIARY_METRICS_TOKEN", "AVIARY_NOTIFY_SLACK_WEBHOOK_URL", "AVIARY_NOTIFY_WEBHOOK_URL", "AVIARY_NOTIFY_WEBHOOK_SECRET"]),
    );
    for (const name of Object.keys(secret.data as object)) expect(credential.test(name), name).toBe(true);
  });

  it("configures notifications and /metrics so that Aviary accepts them", () => {
    const env = containerEnv(app, one<IDeployment>(app, "Deployment").spec!.template.spec!.containers[0]!);
    const notify = notifyConfigFromEnv(env);
    expect(notify.baseUrl).toBe(new URL(env.AVIARY_PUBLIC_URL!).origin);
    expect(notify.slackUrl && notify.webhookUrl && notify.webhookSecret).toBeTruthy();
    const token = parseServerEnv(env).AVIARY_METRICS_TOKEN;
    expect(token).toBeDefined();
    const scrape = new Request("http://aviary.aviary.svc/metrics", { headers: { authorization: `Bearer ${token}` } });
    expect(checkBearerToken(scrape, token, { what: "metrics", variable: "AVIARY_METRICS_TOKEN" })).toBeNull();
  });

  it("runs the migration as the owner role from its own Secret, granting the app's role", () => {
    const job = one<IJob>(migrate, "Job");
    const container = job.spec!.template.spec!.containers[0]!;
    const ref = container.env?.find((e) => e.name === "AVIARY_MIGRATION_DATABASE_URL")?.valueFrom?.secretKeyRef;
    expect(ref?.name).toMatch(/^aviary-migration(-[a-z0-9]+)?$/);
    expect(one<IDeployment>(app, "Deployment").spec!.template.spec!.containers[0]!.envFrom?.map((f) => f.secretRef?.name ?? "")).not.toContain(ref?.name);
    const env = containerEnv(migrate, container);
    const parsed = parseServerEnv(env);
    expect(userOf(parsed.AVIARY_MIGRATION_DATABASE_URL!)).not.toBe(userOf(parsed.DATABASE_URL!));
    // The image's migration command (deploy/image/migrate.ts, bundled to migrate.mjs; checked against the Dockerfile below).
    expect(container.command).toEqual(["node", "migrate.mjs"]);
  });
});

describe("the server is available and reachable", () => {
  const deployment = one<IDeployment>(app, "Deployment");
  const podLabels = deployment.spec!.template.metadata!.labels;
  const container = deployment.spec!.template.spec!.containers[0]!;
  const portNames = new Set(container.ports?.map((p) => p.name));

  it("runs two replicas, rolls without losing one, and a disruption takes at most one", () => {
    expect(deployment.spec!.replicas).toBe(2);
    expect(deployment.spec!.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
    expect(matches(deployment.spec!.selector.matchLabels, podLabels)).toBe(true);
    const pdb = one<IPodDisruptionBudget>(app, "PodDisruptionBudget");
    expect(pdb.spec!.minAvailable === 1 || pdb.spec!.maxUnavailable === 1).toBe(true);
    expect(matches(pdb.spec!.selector?.matchLabels, podLabels)).toBe(true);
  });

  it("probes routes that exist: liveness and start-up on /api/healthz, readiness on /api/readyz", () => {
    const probes = { startupProbe: "/api/healthz", livenessProbe: "/api/healthz", readinessProbe: "/api/readyz" } as const;
    for (const [probe, route] of Object.entries(probes)) {
      const get = container[probe as keyof typeof probes]?.httpGet;
      expect(get?.path, probe).toBe(route);
      expect(portNames.has(String(get?.port)), probe).toBe(true);
      expect(readFileSync(path.join(ROOT, "app", route, "route.ts"), "utf8")).toMatch(/export (async )?function GET/);
    }
  });

  it("the Service and the Ingress reach the pods' named port", () => {
    expect(matches(service.spec!.selector, podLabels)).toBe(true);
    expect(service.spec!.ports!.every((p) => portNames.has(String(p.targetPort)))).toBe(true);
    const ingress = one<IIngress>(app, "Ingress");
    for (const rule of ingress.spec!.rules ?? []) {
      for (const p of rule.http!.paths) {
        expect(p.backend.service?.name).toBe(service.metadata.name);
        expect(service.spec!.ports!.map((sp) => sp.name)).toContain(p.backend.service?.port?.name);
      }
    }
  });

  const service = one<IService>(app, "Service");
  const policyOf = (objects: K8sObject[]) =>
    ofKind<INetworkPolicy>(objects, "NetworkPolicy").find((p) => matches(p.spec?.podSelector?.matchLabels, podLabels))!;
  /** A container port by name or number, as a number (what a NetworkPolicy port and a Service targetPort resolve to). */
  const containerPort = (port: string | number | undefined) => container.ports?.find((p) => p.name === port || p.containerPort === port)?.containerPort;
  const ingressFrom = (objects: K8sObject[], podName: string) =>
    (policyOf(objects).spec!.ingress ?? []).filter((rule) => rule.from?.some((peer) => peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] === podName));

  it("the NetworkPolicy selects the pods, admits only the ingress controller and Prometheus, and lets out what the server calls", () => {
    const policy = policyOf(app);
    expect(policy.spec!.policyTypes).toEqual(["Ingress", "Egress"]);
    for (const rule of policy.spec!.ingress ?? []) {
      for (const peer of rule.from ?? []) expect(peer.namespaceSelector?.matchLabels && peer.podSelector?.matchLabels).toBeTruthy();
      expect(rule.ports?.map((p) => String(p.port)).every((p) => portNames.has(p))).toBe(true);
    }
    expect(policy.spec!.ingress).toHaveLength(2);
    expect(ingressFrom(app, "ingress-nginx")).toHaveLength(1);
    expect(ingressFrom(app, "prometheus")).toHaveLength(1);
    const egress = new Set((policy.spec!.egress ?? []).flatMap((r) => (r.ports ?? []).map((p) => `${p.port}/${p.protocol}`)));
    const env = containerEnv(app, container);
    const portOf = (url: string) => new URL(url).port || (new URL(url).protocol === "https:" ? "443" : "80");
    const called = [env.AVIARY_PROMETHEUS_URL!, env.AVIARY_OIDC_ISSUER!, env.AVIARY_NOTIFY_SLACK_WEBHOOK_URL!, env.AVIARY_NOTIFY_WEBHOOK_URL!];
    const databasePort = new URL(env.DATABASE_URL!).port || "5432";
    for (const needed of ["53/UDP", "53/TCP", `${databasePort}/TCP`, ...called.map((url) => `${portOf(url)}/TCP`)])
      expect([...egress], needed).toContain(needed);
  });

  it("admits Prometheus to /metrics on the port the Service sends to, where the server listens", () => {
    const [rule] = ingressFrom(app, "prometheus");
    expect(rule?.from?.every((peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"])).toBe(true);
    const servicePorts = new Set(service.spec!.ports!.map((p) => containerPort(p.targetPort)));
    expect(rule?.ports?.length).toBeGreaterThan(0);
    for (const p of rule?.ports ?? []) {
      expect(p.protocol ?? "TCP").toBe("TCP");
      expect(servicePorts.has(containerPort(p.port)), `port ${p.port}`).toBe(true);
      expect(containerPort(p.port)).toBe(parseServerEnv(containerEnv(app, container)).PORT);
    }
    expect(readFileSync(path.join(ROOT, "app", "metrics", "route.ts"), "utf8")).toMatch(/export const GET\b|export (async )?function GET/);
  });

  it("opens no egress to any port by default; approvals' HTTP checks get it only by opting in, per namespace", () => {
    const portless = (objects: K8sObject[]) => (policyOf(objects).spec!.egress ?? []).filter((r) => !r.ports?.length);
    expect(portless(app)).toEqual([]);
    const opened = portless(appWithOptions);
    expect(opened).toHaveLength(1);
    for (const peer of opened[0]!.to ?? []) {
      expect(peer.ipBlock, "never to any address").toBeUndefined();
      expect(peer.namespaceSelector?.matchExpressions ?? Object.keys(peer.namespaceSelector?.matchLabels ?? {})).not.toEqual([]);
    }
    expect(opened[0]!.to?.length).toBeGreaterThan(0);
  });

  it("the optional ServiceMonitor scrapes the Service's pods on /metrics with the token from the server's Secret", () => {
    type Endpoint = { port: string; path?: string; scheme?: string; authorization?: { type?: string; credentials: { name: string; key: string } } };
    const monitor = one<K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: Endpoint[] } }>(appWithOptions, "ServiceMonitor");
    expect(ofKind(app, "ServiceMonitor"), "not in the example unless switched on").toEqual([]);
    const withOptions = one<IService>(appWithOptions, "Service");
    expect(matches(monitor.spec.selector.matchLabels, withOptions.metadata.labels)).toBe(true);
    const deployment = one<IDeployment>(appWithOptions, "Deployment");
    const secretName = deployment.spec!.template.spec!.containers[0]!.envFrom!.find((f) => f.secretRef)!.secretRef!.name;
    const secret = appWithOptions.find((o) => o.kind === "Secret" && o.metadata.name === secretName)!;
    expect(monitor.metadata.namespace).toBe(secret.metadata.namespace);
    for (const endpoint of monitor.spec.endpoints) {
      const servicePort = withOptions.spec!.ports!.find((p) => p.name === endpoint.port);
      expect(servicePort, `endpoint port ${endpoint.port}`).toBeDefined();
      expect(ingressFrom(appWithOptions, "prometheus")[0]?.ports?.map((p) => containerPort(p.port))).toContain(containerPort(servicePort!.targetPort));
      expect(endpoint.path).toBe("/metrics");
      expect(endpoint.scheme ?? "http").toBe("http");
      expect(endpoint.authorization?.type ?? "Bearer").toBe("Bearer");
      // The generated Secret's hashed name, which only kustomizeconfig.yaml's nameReference puts here.
      expect(endpoint.authorization?.credentials).toEqual({ name: secretName, key: "AVIARY_METRICS_TOKEN" });
      expect(Object.keys(secret.data as object)).toContain("AVIARY_METRICS_TOKEN");
    }
  });
});

describe("every pod runs locked down", () => {
  it.each(allWorkloads.map((w) => [w.name, w] as const))("%s (one of each render)", (_, { pod }) => {
    const spec = pod.spec as IPodSpec;
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
    expect(spec.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
    expect(spec.enableServiceLinks).toBe(false);
    const emptyDirs = new Set((spec.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
      expect(c.securityContext?.capabilities?.add ?? []).toEqual([]);
      expect(c.resources?.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
      expect(c.resources?.limits).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
      expect(c.image).toMatch(/^ghcr\.io\/example\/aviary(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
      expect(c.image).not.toMatch(/:latest$/);
      // Writable places are scratch volumes; /tmp is one of them.
      expect(c.volumeMounts?.every((m) => emptyDirs.has(m.name))).toBe(true);
      expect(c.volumeMounts?.map((m) => m.mountPath)).toContain("/tmp");
    }
    const policies = ofKind<INetworkPolicy>(all, "NetworkPolicy").filter((p) => matches(p.spec?.podSelector?.matchLabels, pod.metadata?.labels));
    expect(policies.length, "selected by a NetworkPolicy").toBeGreaterThan(0);
  });

  it("the migration and the server run the same image", () => {
    const images = (objects: K8sObject[]) => workloads(objects).flatMap(({ pod }) => pod.spec!.containers.map((c) => c.image));
    expect(new Set([...images(app), ...images(migrate)]).size).toBe(1);
  });

  // The image is another file's business; these hold the two in step once it exists.
  const dockerfile = path.join(ROOT, "Dockerfile");
  it.skipIf(!existsSync(dockerfile))("agrees with the Dockerfile: user, working directory, migration command", () => {
    const text = readFileSync(dockerfile, "utf8");
    const runtime = text.slice(text.lastIndexOf("\nFROM "));
    const [uid, gid] = (/^USER (\d+):(\d+)$/m.exec(runtime) ?? []).slice(1).map(Number);
    const workdir = /^WORKDIR (\S+)$/m.exec(runtime)?.[1];
    const migrateCommand = /aviary\.migrate-command="([^"]+)"/.exec(runtime)?.[1];
    for (const { name, pod } of allWorkloads) {
      expect(pod.spec!.securityContext, name).toMatchObject({ runAsUser: uid, runAsGroup: gid });
      for (const c of pod.spec!.containers) {
        for (const m of c.volumeMounts ?? []) if (m.mountPath !== "/tmp") expect(m.mountPath.startsWith(`${workdir}/`), m.mountPath).toBe(true);
      }
    }
    expect(one<IJob>(migrate, "Job").spec!.template.spec!.containers[0]!.command?.join(" ")).toBe(migrateCommand);
  });

  it("the namespace enforces Pod Security 'restricted'", () => {
    expect(one<K8sObject>(app, "Namespace").metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });
});

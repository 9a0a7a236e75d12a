// The request pipeline: admin endpoints, the request log, injected faults,
// authentication, routing, authorization, then the resource or watch handler. Every failure is answered
// with a metav1.Status body, as kube-apiserver does.
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleAdmin, type AdminDeps } from "./admin";
import { discoveryDoc, VERSION_INFO } from "./discovery";
import { isApiError, mediaType, readBody, sendJson, sendStatus, sendText } from "./http-util";
import type { Registry } from "./registry";
import type { RequestLog } from "./request-log";
import { handleResource } from "./resource-handler";
import type { Resources } from "./resources";
import { matchRoute, verbFor } from "./routes";
import { conflict, forbidden, internalError, methodNotAllowed, pathNotFound, unauthorized } from "./status";
import { serveWatch, type WatchOptions } from "./watch-handler";

export type PipelineDeps = AdminDeps & {
  resources: Resources;
  registry: Registry;
  serverAddress: () => string;
  requests: RequestLog;
  watch: WatchOptions;
};

export function createRequestHandler(deps: PipelineDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res, deps).catch((err: unknown) => {
      if (isApiError(err)) return sendStatus(res, err.status);
      console.error("[sandbox kube-api test double] unexpected error", err);
      sendStatus(res, internalError((err as Error).message ?? String(err)).status);
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: PipelineDeps): Promise<void> {
  const url = new URL(req.url ?? "/", "https://sandbox.invalid");
  const method = (req.method ?? "GET").toUpperCase();
  if (url.pathname === "/sandbox" || url.pathname.startsWith("/sandbox/")) return handleAdmin(req, res, url, deps);

  const route = matchRoute(url.pathname, deps.resources);
  const watch = url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";
  const resource = route?.type === "resource" ? route : undefined;
  deps.requests.record({
    at: Date.now(),
    method,
    path: url.pathname,
    verb: resource ? verbFor(method, resource.name !== undefined, watch) : null,
    ...(resource ? { resource: resource.res.plural, namespace: resource.namespace, name: resource.name } : {}),
  });

  const fault = deps.faults.decide(method, url.pathname);
  if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.reset) {
    req.socket.destroy();
    return;
  }

  if (route?.type === "health") return sendText(res, 200, "ok");
  if (route?.type === "version") return sendJson(res, 200, VERSION_INFO);
  const grant = deps.access.authenticate(req.headers.authorization);
  if (!grant) throw unauthorized();
  if (!route) throw pathNotFound();
  if (route.type === "discovery") {
    const doc = discoveryDoc(route.path, deps.resources, deps.serverAddress());
    if (!doc) throw pathNotFound();
    if (method !== "GET" && method !== "HEAD") throw methodNotAllowed();
    return sendJson(res, 200, doc);
  }

  const verb = verbFor(method, route.name !== undefined, watch);
  const target = { verb, resource: route.res.plural, namespace: route.namespace, name: route.name };
  if (!deps.access.authorize(grant, target)) {
    throw forbidden(route.res, grant.user, verb, route.namespace, route.name);
  }
  const body = method === "GET" || method === "HEAD" ? Buffer.alloc(0) : await readBody(req);
  if (fault.fail) throw internalError("sandbox fault injection: simulated apiserver failure");
  if (fault.claimConflict()) throw conflict(route.res, route.name ?? "");

  if (watch && method === "GET" && !route.subresource) {
    const { res: type, version, namespace, name } = route;
    return serveWatch(deps.registry.storage, res, { res: type, version, namespace, name, query: url.searchParams }, deps.watch);
  }
  const out = handleResource(deps.registry, {
    route,
    method,
    query: url.searchParams,
    contentType: mediaType(req),
    body,
    userAgent: req.headers["user-agent"],
  });
  sendJson(res, out.code, out.body, out.headers);
}

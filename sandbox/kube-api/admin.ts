// Admin endpoints under /sandbox/* (no auth, loopback clients only): fault
// injection, object dump/seed, deny rules and extra tokens. They are never
// subject to injected faults, so a test can always switch faults off again.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AccessControl, DenyRule, TokenGrant } from "./auth";
import type { FaultController, FaultRule } from "./faults";
import type { RequestLog } from "./request-log";
import { mediaType, readBody, sendJson } from "./http-util";
import type { SandboxStore } from "./sandbox-store";
import { parseSeed } from "./seed";
import { badRequest, failure, methodNotAllowed, pathNotFound } from "./status";
import { isJsonObject } from "./types";

export type AdminDeps = {
  faults: FaultController;
  store: SandboxStore;
  access: AccessControl;
  requests: RequestLog;
  watches: { open(): number; compact(): void; disconnect(): void };
};

export async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, deps: AdminDeps): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) {
    throw failure(403, "Forbidden", "sandbox admin endpoints only accept loopback clients");
  }
  const [, , section, id] = url.pathname.split("/");
  const method = req.method ?? "GET";
  const body = async (): Promise<unknown> => {
    const text = (await readBody(req)).toString("utf8");
    if (text.trim() === "") return {};
    try {
      return mediaType(req).includes("yaml") ? parseSeed(text, "yaml") : (JSON.parse(text) as unknown);
    } catch (err) {
      throw badRequest(`invalid body: ${(err as Error).message}`);
    }
  };
  const { faults, store, access, requests, watches } = deps;
  switch (`${method} ${section ?? ""}`) {
    case "GET faults":
      return sendJson(res, 200, { faults: faults.list() });
    case "POST faults":
    case "PUT faults": {
      const rule = (await body()) as FaultRule;
      const added = wrap(() => (method === "PUT" ? faults.set(rule) : faults.add(rule)));
      return sendJson(res, 201, { id: added, faults: faults.list() });
    }
    case "DELETE faults":
      if (id) faults.remove(Number(id));
      else faults.clear();
      return sendJson(res, 200, { faults: faults.list() });
    case "GET objects":
      return sendJson(res, 200, store.dump());
    case "POST objects": {
      const doc = await body();
      const list = Array.isArray(doc) ? doc : isJsonObject(doc) && Array.isArray(doc.items) ? doc.items : [doc];
      const overwrite = url.searchParams.get("overwrite") !== "false";
      const items = store.seed(list, { overwrite });
      return sendJson(res, 200, { resourceVersion: store.resourceVersion(), items });
    }
    case "DELETE objects":
      store.reset();
      return sendJson(res, 200, store.dump());
    case "GET deny":
      return sendJson(res, 200, { rules: access.listDenies() });
    case "POST deny":
      access.deny((await body()) as DenyRule);
      return sendJson(res, 201, { rules: access.listDenies() });
    case "DELETE deny":
      access.clearDenies();
      return sendJson(res, 200, { rules: [] });
    case "GET requests":
      return sendJson(res, 200, { counts: requests.counts(), requests: requests.list() });
    case "DELETE requests":
      requests.clear();
      return sendJson(res, 200, { counts: {} });
    case "GET watches":
      return sendJson(res, 200, { open: watches.open() });
    case "POST watches":
      // POST /sandbox/watches/compact | /sandbox/watches/disconnect
      if (id === "compact") watches.compact();
      else if (id === "disconnect") watches.disconnect();
      else throw pathNotFound();
      return sendJson(res, 200, { open: watches.open() });
    case "POST tokens": {
      const t = (await body()) as { token?: string } & Partial<TokenGrant>;
      if (!t.token || !t.user || (t.allow !== "all" && t.allow !== "read-only")) {
        throw badRequest('expected {"token", "user", "allow": "all" | "read-only"}');
      }
      access.addToken(t.token, { user: t.user, allow: t.allow });
      return sendJson(res, 201, { user: t.user, allow: t.allow });
    }
    default:
      throw ["faults", "objects", "deny", "tokens", "requests", "watches"].includes(section ?? "") ? methodNotAllowed() : pathNotFound();
  }
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

// GET ...?watch=1: a stream of newline-delimited watch events, as kube-apiserver
// serves them. Replays the changes after `resourceVersion` from the change log
// (410 Expired when they are no longer kept), then follows new ones; BOOKMARK
// events when asked; ends at `timeoutSeconds`.
import type { ServerResponse } from "node:http";
import type { Change, ChangeType } from "./change-log";
import type { MemoryStore } from "./memory-store";
import { inVersion } from "./registry";
import { parseFieldSelector, parseLabelSelector } from "./selectors";
import { badRequest, failure } from "./status";
import type { KubeObject, ResourceType } from "./types";

export type WatchRequest = {
  res: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  query: URLSearchParams;
};

export type WatchOptions = { bookmarkIntervalMs: number };

type EventType = ChangeType | "BOOKMARK" | "ERROR";

export function serveWatch(storage: MemoryStore, out: ServerResponse, req: WatchRequest, opts: WatchOptions): void {
  const { res, version, namespace, name, query } = req;
  // Parsed before the 200 goes out, so a bad selector or version is a plain 400.
  const byLabel = parseLabelSelector(query.get("labelSelector"));
  const byField = parseFieldSelector(query.get("fieldSelector"));
  const from = startRevision(query.get("resourceVersion"));
  const timeoutSeconds = optionalNumber(query.get("timeoutSeconds"), "timeoutSeconds");
  const bookmarks = query.get("allowWatchBookmarks") === "true" || query.get("allowWatchBookmarks") === "1";
  const matches = (resource: string, obj: KubeObject) =>
    resource === res.plural && (!namespace || obj.metadata.namespace === namespace) && (!name || obj.metadata.name === name) && byLabel(obj) && byField(obj);

  out.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked" });
  out.flushHeaders();
  const send = (type: EventType, object: unknown) => {
    if (!out.writableEnded && !out.destroyed) out.write(`${JSON.stringify({ type, object })}\n`);
  };
  const deliver = (c: Change) => {
    if (matches(c.resource, c.object)) send(c.type, inVersion(c.object, res, version));
  };

  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = () => {};
  const finish = (how: "end" | "destroy") => {
    unsubscribe();
    for (const t of timers) clearInterval(t);
    if (how === "destroy") out.destroy();
    else if (!out.writableEnded) out.end();
  };
  const expire = (oldest: number) => {
    send("ERROR", expired(from ?? 0, oldest).status);
    finish("end");
  };
  out.on("close", () => finish("end"));

  if (from === undefined) {
    // No resourceVersion (or "0"): the current state as ADDED events first, as the apiserver does.
    for (const e of storage.list(res.plural, namespace)) {
      if (matches(e.resource, e.object)) send("ADDED", inVersion(e.object, res, version));
    }
  } else {
    const history = storage.changes.since(from);
    if (!history) return expire(storage.changes.oldest + 1);
    for (const c of history) deliver(c);
  }
  unsubscribe = storage.changes.subscribe({
    deliver,
    expire: () => expire(storage.changes.oldest + 1),
    cut: () => finish("destroy"),
  });
  if (bookmarks) {
    const bookmark = () => send("BOOKMARK", { kind: res.kind, apiVersion: `${res.group}/${version}`, metadata: { resourceVersion: storage.revisionString } });
    timers.push(setInterval(bookmark, opts.bookmarkIntervalMs));
  }
  if (timeoutSeconds !== undefined) timers.push(setTimeout(() => finish("end"), timeoutSeconds * 1000));
}

/** undefined: start from the current state (no resourceVersion, "" or "0"). */
function startRevision(value: string | null): number | undefined {
  if (value === null || value === "" || value === "0") return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`Invalid value: "${value}": resourceVersion must be an integer`);
  return Number(value);
}

function optionalNumber(value: string | null, field: string): number | undefined {
  if (value === null || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw badRequest(`Invalid value: "${value}": ${field} must be a non-negative number`);
  return n;
}

/** The Status kube-apiserver sends in an ERROR event when the requested resourceVersion is compacted. */
function expired(requested: number, oldest: number) {
  return failure(410, "Expired", `too old resource version: ${requested} (${oldest})`, {});
}

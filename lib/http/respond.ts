import { createHash } from "node:crypto";
import { AppError, isAppError } from "../app-error";
import { log } from "../log";
import { requestIdOf } from "./request-id";

export type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, { ...init, headers: { "cache-control": "no-store", ...init.headers } });
}

/**
 * JSON for what pages poll: a weak ETag of the body, and 304 with no body when the caller already
 * has it (browsers revalidate on their own with `cache-control: no-cache`), so an unchanged poll
 * costs a few bytes and hands the page the same data, which then renders nothing new.
 *
 * `sameAs` is what the ETag is computed from when the body carries something that changes on every
 * read without changing what it says (a read time): the caller keeps its copy until the rest
 * changes, which is what a weak ETag promises (semantically equivalent, not byte-identical).
 * `headers` travel with the 304 too, and browsers merge them into the cached answer.
 */
export function pollableJson(
  request: Request,
  body: unknown,
  { sameAs = body, headers: extra = {} }: { sameAs?: unknown; headers?: Record<string, string> } = {},
): Response {
  const text = JSON.stringify(body);
  const hashed = sameAs === body ? text : JSON.stringify(sameAs);
  const etag = `W/"${createHash("sha256").update(hashed).digest("base64url").slice(0, 27)}"`;
  const headers = { ...extra, "cache-control": "private, no-cache", etag, vary: "cookie" };
  const known =
    request.headers
      .get("if-none-match")
      ?.split(",")
      .map((tag) => tag.trim()) ?? [];
  if (known.includes(etag) || known.includes("*")) return new Response(null, { status: 304, headers });
  return new Response(text, { status: 200, headers: { ...headers, "content-type": "application/json" } });
}

/** `requestId` (the caller's X-Request-Id, or the one proxy.ts gave the request) ties the answer to the log line. */
export function errorResponse(error: unknown, requestId?: string): Response {
  const appError = toAppError(error, requestId);
  const body: ErrorBody = {
    error: { code: appError.code, message: appError.message, ...(appError.fields ? { fields: appError.fields } : {}) },
  };
  const headers: Record<string, string> = {
    ...(appError.retryAfterSeconds === undefined ? {} : { "retry-after": String(appError.retryAfterSeconds) }),
    ...(requestId ? { "x-request-id": requestId } : {}),
  };
  return json(body, { status: appError.status, headers });
}

/**
 * Known failure shapes become typed errors; anything else is logged (one JSON line with the
 * request id, secrets masked: lib/log.ts) and answered generically, naming the request id.
 */
export function toAppError(error: unknown, requestId?: string): AppError {
  if (isAppError(error)) return error;
  if (isDatabaseDown(error)) {
    log.warn("database unreachable", { requestId, error });
    return new AppError("DB_UNAVAILABLE", "the database is unreachable; try again shortly", { cause: error });
  }
  log.error("unexpected error", { requestId, error });
  const which = requestId ? ` under request id ${requestId}` : "";
  return new AppError("INTERNAL", `something went wrong on the server; the details are in the server log${which}`);
}

export function isDatabaseDown(error: unknown): boolean {
  const text = String((error as { code?: string })?.code ?? "") + " " + String((error as Error)?.message ?? "");
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|P1001|P1017|DatabaseNotReachable|Connection terminated|connect ECONN/i.test(text);
}

/** Wraps a route handler so every thrown error becomes a typed JSON answer, never an HTML 500. */
export function route<Args extends unknown[]>(handler: (...args: Args) => Promise<Response>) {
  return async (...args: Args): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      const request = args[0];
      return errorResponse(error, request instanceof Request ? requestIdOf(request.headers) : undefined);
    }
  };
}

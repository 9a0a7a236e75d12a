import { randomUUID } from "node:crypto";

/** The caller's X-Request-Id when it is a plain token (it lands in the audit log and the server log), else a new one. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
}

import { createHash, timingSafeEqual } from "node:crypto";

/**
 * A fixed bearer token for machine callers (Prometheus scraping /metrics), compared in constant
 * time. Answers with the refusal to send, or null when the caller may pass:
 *   token unset  404: the endpoint is off (said in the body, so a misconfigured scrape is obvious)
 *   no token     401 with WWW-Authenticate: Bearer
 *   wrong token  403
 */
export function checkBearerToken(request: Request, expected: string | undefined, { what, variable }: { what: string; variable: string }): Response | null {
  if (!expected) {
    return problem(404, "NOT_FOUND", `${what} are off: set ${variable} on the server and send it as "Authorization: Bearer <token>"`);
  }
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  if (!match) {
    return problem(401, "UNAUTHENTICATED", `${what} need "Authorization: Bearer <token>" (the value of ${variable})`, {
      "www-authenticate": 'Bearer realm="aviary"',
    });
  }
  if (!sameSecret(match[1]!, expected)) return problem(403, "FORBIDDEN", `the bearer token is not ${variable}'s value`);
  return null;
}

/** Equal strings, in time independent of where they differ and of their lengths (both are hashed first). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function problem(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

/**
 * How any URL that may carry a credential is shown (notification webhooks, approval checks): the
 * scheme and host, the last four characters of the path, and each query parameter's name with
 * its value hidden. Enough to tell two destinations apart, not enough to use one: Slack hooks
 * keep their secret in the path, many services put a token in the query (`?token=…`), and
 * user:password@ and #fragments are dropped outright. Pure, and free of node: imports, because
 * the rollout's JSON that uses it reaches the browser.
 */

export const REDACTED = "…";

/** A query part's name, bounded; a bare part (`?abc123`) is all value, so it is hidden whole. */
function redactQueryPart(part: string): string {
  const equals = part.indexOf("=");
  if (equals <= 0) return REDACTED;
  const name = part.slice(0, equals);
  return `${name.length > 40 ? `${name.slice(0, 40)}${REDACTED}` : name}=${REDACTED}`;
}

/** The URL parsed, or null; and its query with every value hidden (`?token=…&team=…`, or ""). */
function parsed(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function redactedQuery(url: URL): string {
  const query = url.search
    .slice(1)
    .split("&")
    .filter((part) => part !== "")
    .map(redactQueryPart);
  return query.length > 0 ? `?${query.join("&")}` : "";
}

/** `https://hooks.slack.com/…XyZW`, `https://h.example.com/…hook?token=…&team=…`, or `…` for what is not a URL. */
export function redactUrl(url: string): string {
  const u = parsed(url);
  if (!u) return REDACTED;
  const path = u.pathname.replace(/\/+$/, "");
  const tail = path.length > 4 ? path.slice(-4) : "";
  return `${u.protocol}//${u.host}/${REDACTED}${tail}${redactedQuery(u)}`;
}

/**
 * How a URL whose path is no secret is shown (approval checks: `http://checkout.shop.svc:8080/healthz`
 * must stay readable): scheme, host and path as they are, each query value hidden as redactUrl
 * does, user:password@ and #fragments dropped.
 */
export function shownUrl(url: string): string {
  const u = parsed(url);
  return u ? `${u.protocol}//${u.host}${u.pathname}${redactedQuery(u)}` : REDACTED;
}

import type { z } from "zod";
import { AppError } from "../app-error";
import { PrometheusError, networkErrorCode, TIMEOUT_CODES, type PrometheusErrorKind } from "./prometheus-error";
import { assertPointCount } from "./range";
import { readCappedBody } from "./read-capped-body";
import { createSemaphore } from "./semaphore";
import { errorBodySchema, instantResponseSchema, rangeResponseSchema, type InstantData, type RangeData } from "./schemas";

export type PrometheusAuth = { type: "basic"; username: string; password: string } | { type: "bearer"; token: string };

export type PrometheusClient = {
  /** Base URL as shown in messages: credentials removed. */
  readonly url: string;
  query: (promql: string, options?: { time?: Date }) => Promise<InstantData>;
  queryRange: (promql: string, options: { start: Date; end: Date; stepSeconds: number }) => Promise<RangeData>;
  /** Calls holding one of the `maxConcurrency` slots, and calls waiting for one (Aviary's /metrics shows both). */
  load: () => { inFlight: number; queued: number; limit: number };
};

export type PrometheusClientOptions = {
  /** May carry a path prefix (http://thanos/prometheus) and, if `auth` is absent, user:password@. */
  baseUrl: string;
  timeoutMs?: number;
  /** At most this many HTTP calls at once, whoever makes them; the rest wait their turn (up to timeoutMs). */
  maxConcurrency?: number;
  /** Answers larger than this are refused (kind too_large) without being read whole. */
  maxResponseBytes?: number;
  auth?: PrometheusAuth;
  headers?: Record<string, string>;
  fetchImpl?: typeof fetch;
  /** Told of every call when it ends, for Aviary's own metrics. */
  observe?: PrometheusCallObserver;
};

/** One finished call: the API endpoint, and "ok" or the failure's kind (PrometheusError.kind). */
export type PrometheusCallObserver = (call: { endpoint: "query" | "query_range"; outcome: "ok" | PrometheusErrorKind; seconds: number }) => void;

/**
 * Prometheus HTTP API client. Queries go as POST form bodies, so selectors listing hundreds of
 * workloads never hit URL length limits. Every failure becomes a PrometheusError. What one
 * Aviary may ask of Prometheus is bounded here, for every caller: `maxConcurrency` calls at once,
 * answers of `maxResponseBytes`, and Prometheus' own `timeout` parameter a little below ours, so
 * Prometheus abandons a query Aviary has stopped waiting for instead of finishing it for nobody.
 */
export function createPrometheusClient({
  baseUrl,
  timeoutMs = 5000,
  maxConcurrency = 8,
  maxResponseBytes = 8 * 1024 * 1024,
  auth,
  headers = {},
  fetchImpl = fetch,
  observe,
}: PrometheusClientOptions): PrometheusClient {
  const base = parseBaseUrl(baseUrl);
  const credentials = auth ?? base.auth;
  const url = base.display;
  const requestHeaders: Record<string, string> = {
    ...headers,
    "Content-Type": "application/x-www-form-urlencoded",
    Accept: "application/json",
    ...(credentials ? { Authorization: authorization(credentials) } : {}),
  };

  const slots = createSemaphore(maxConcurrency);
  const serverTimeout = `${Math.max(50, Math.floor(timeoutMs * 0.9))}ms`;

  async function post<S extends z.ZodType>(endpoint: string, form: Record<string, string>, schema: S): Promise<z.infer<S>> {
    const release = await slots.acquire({
      waitMs: timeoutMs,
      onTimeout: () => {
        const { inFlight, queued, limit } = slots.load();
        return new PrometheusError({
          kind: "busy",
          url,
          message: `Prometheus at ${url} is busy: no turn within ${timeoutMs} ms (${inFlight} of ${limit} queries in flight, ${queued} more waiting; AVIARY_PROMETHEUS_MAX_CONCURRENCY)`,
        });
      },
    });
    try {
      return await send(endpoint, { ...form, timeout: serverTimeout }, schema);
    } finally {
      release();
    }
  }

  async function send<S extends z.ZodType>(endpoint: string, form: Record<string, string>, schema: S): Promise<z.infer<S>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let statusText: string;
    let contentType: string;
    let text: string;
    try {
      const res = await fetchImpl(`${base.endpointPrefix}${endpoint}`, {
        method: "POST",
        headers: requestHeaders,
        body: new URLSearchParams(form).toString(),
        signal: controller.signal,
      });
      ({ status, statusText } = res);
      contentType = res.headers.get("content-type") ?? "no content type";
      // Still under the timer: a server that stalls mid-body is a timeout too.
      text = await readCappedBody(res, { maxBytes: maxResponseBytes, url });
    } catch (error) {
      if (error instanceof PrometheusError) throw error;
      const code = networkErrorCode(error);
      if (controller.signal.aborted || (code && TIMEOUT_CODES.has(code))) {
        throw new PrometheusError({ kind: "timeout", url, message: `Prometheus at ${url} did not answer within ${timeoutMs} ms`, cause: error });
      }
      const reason = code ?? (error instanceof Error ? error.message : String(error));
      throw new PrometheusError({ kind: "unreachable", url, message: `Prometheus at ${url} is unreachable (${reason})`, cause: error });
    } finally {
      clearTimeout(timer);
    }
    return interpret({ url, status, statusText, contentType, text, schema });
  }

  /** Runs one call and tells `observe` how it ended. */
  async function timed<T>(endpoint: "query" | "query_range", call: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    const done = (outcome: "ok" | PrometheusErrorKind) => observe?.({ endpoint, outcome, seconds: (performance.now() - startedAt) / 1000 });
    try {
      const result = await call();
      done("ok");
      return result;
    } catch (error) {
      done(error instanceof PrometheusError ? error.kind : "bad_response");
      throw error;
    }
  }

  return {
    url,
    load: () => slots.load(),
    query: (promql, { time } = {}) =>
      timed("query", async () => {
        const form: Record<string, string> = { query: promql, ...(time ? { time: unixSeconds(time) } : {}) };
        const body = await post("/api/v1/query", form, instantResponseSchema);
        return body.status === "success" ? body.data : queryFailed(url, body);
      }),
    queryRange: async (promql, { start, end, stepSeconds }) => {
      assertPointCount({ start, end, stepSeconds });
      return timed("query_range", async () => {
        const form = { query: promql, start: unixSeconds(start), end: unixSeconds(end), step: String(stepSeconds) };
        const body = await post("/api/v1/query_range", form, rangeResponseSchema);
        return body.status === "success" ? body.data : queryFailed(url, body);
      });
    },
  };
}

function interpret<S extends z.ZodType>({
  url,
  status,
  statusText,
  contentType,
  text,
  schema,
}: {
  url: string;
  status: number;
  statusText: string;
  contentType: string;
  text: string;
  schema: S;
}): z.infer<S> {
  const json = parseJson(text);
  if (status < 200 || status > 299) {
    // Prometheus answers 400/422/503 with its JSON error body; anything else came from a proxy or the wrong server.
    const prometheusError = errorBodySchema.safeParse(json);
    if (prometheusError.success) return queryFailed(url, prometheusError.data, status);
    const hint = status === 401 || status === 403 ? " (check the Prometheus credentials)" : status === 404 ? " (check the base URL and its path prefix)" : "";
    throw new PrometheusError({
      kind: "http",
      url,
      httpStatus: status,
      message: `Prometheus at ${url} answered HTTP ${status} ${statusText}${hint}: ${snippet(text)}`,
    });
  }
  if (json === undefined) {
    throw new PrometheusError({
      kind: "bad_response",
      url,
      httpStatus: status,
      message: `Prometheus at ${url} answered with something that is not JSON (${contentType}): ${snippet(text)}`,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "(body)";
    throw new PrometheusError({
      kind: "bad_response",
      url,
      httpStatus: status,
      message: `Prometheus at ${url} answered with JSON Aviary cannot read: ${where}: ${issue?.message ?? "unexpected shape"}`,
    });
  }
  return parsed.data;
}

function queryFailed(url: string, { errorType, error }: z.infer<typeof errorBodySchema>, httpStatus?: number): never {
  throw new PrometheusError({ kind: "query", url, httpStatus, errorType, message: `Prometheus at ${url} could not run the query (${errorType}): ${error}` });
}

function parseBaseUrl(baseUrl: string): { endpointPrefix: string; display: string; auth?: PrometheusAuth } {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new AppError("VALIDATION", `Prometheus base URL "${baseUrl}" is not a URL`, { fields: { baseUrl: "must be an http(s) URL" } });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new AppError("VALIDATION", `Prometheus base URL must be http(s), got ${parsed.protocol}`, { fields: { baseUrl: "must be an http(s) URL" } });
  }
  // fetch refuses URLs with credentials, so they move into an Authorization header.
  const auth: PrometheusAuth | undefined = parsed.username
    ? { type: "basic", username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
    : undefined;
  parsed.username = "";
  parsed.password = "";
  const prefix = parsed.pathname.replace(/\/+$/, "");
  const display = `${parsed.origin}${prefix}`;
  return { endpointPrefix: display, display, auth };
}

function authorization(auth: PrometheusAuth): string {
  if (auth.type === "bearer") return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64")}`;
}

function unixSeconds(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "(empty body)";
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}

import { AdapterError } from "../app-error";

/**
 * Why a Prometheus call failed, and what the API answers for it (the UI keeps both apart from
 * "no data yet", which is a success):
 *   METRICS_UNAVAILABLE (503) nobody answered: unreachable, timed out, busy (no turn among
 *                             Aviary's concurrent queries in time), or a gateway in front of
 *                             Prometheus saying its upstream is down (502/503/504 without a
 *                             Prometheus error body). Retrying later may help ("transient").
 *   METRICS_ERROR (502)       Prometheus answered, but refused the query, sent something Aviary
 *                             cannot read, or more than Aviary reads (too_large). Retrying the
 *                             same query will not help ("final").
 * `kind` lets the UI and logs say which. The message names the URL, never its credentials.
 */
export const PROMETHEUS_ERROR_KINDS = ["unreachable", "timeout", "busy", "http", "bad_response", "too_large", "query"] as const;
export type PrometheusErrorKind = (typeof PROMETHEUS_ERROR_KINDS)[number];

const GATEWAY_DOWN = new Set([502, 503, 504]);

export class PrometheusError extends AdapterError {
  static override readonly brand = "PrometheusError";
  readonly kind: PrometheusErrorKind;
  /** Base URL without credentials. */
  readonly url: string;
  readonly httpStatus?: number;
  /** Prometheus' own errorType (bad_data, execution, timeout, canceled, ...) for kind "query". */
  readonly errorType?: string;

  constructor({
    kind,
    url,
    message,
    httpStatus,
    errorType,
    cause,
  }: {
    kind: PrometheusErrorKind;
    url: string;
    message: string;
    httpStatus?: number;
    errorType?: string;
    cause?: unknown;
  }) {
    const unavailable =
      kind === "unreachable" || kind === "timeout" || kind === "busy" || (kind === "http" && httpStatus !== undefined && GATEWAY_DOWN.has(httpStatus));
    super(unavailable ? "METRICS_UNAVAILABLE" : "METRICS_ERROR", message, { cause });
    this.name = "PrometheusError";
    this.kind = kind;
    this.url = url;
    this.httpStatus = httpStatus;
    this.errorType = errorType;
  }
}

export function isPrometheusError(value: unknown): value is PrometheusError {
  return value instanceof PrometheusError;
}

/** The errno-style code of a failed fetch (undici nests it in `cause`, sometimes in an AggregateError). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    if (Array.isArray(errors) && errors.length > 0) {
      current = errors[0];
      continue;
    }
    current = cause;
  }
  return undefined;
}

/** Undici's own connect/headers/body timeouts are timeouts too, not "unreachable". */
export const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

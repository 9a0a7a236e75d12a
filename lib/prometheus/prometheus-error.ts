import { AppError } from "../app-error";

/**
 * Why a Prometheus call failed. All kinds travel as METRICS_UNAVAILABLE (503): to the dashboard
 * each means "no metrics right now", which the UI keeps apart from "no data yet" (an empty
 * answer is a success, never one of these). `kind` lets the UI and logs say which.
 */
export const PROMETHEUS_ERROR_KINDS = ["unreachable", "timeout", "http", "bad_response", "query"] as const;
export type PrometheusErrorKind = (typeof PROMETHEUS_ERROR_KINDS)[number];

export class PrometheusError extends AppError {
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
    super("METRICS_UNAVAILABLE", message, { cause });
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

/**
 * The one error type that crosses layers. Routes turn it into `{error: {code, message, fields?}}`
 * with the status from STATUS_BY_CODE; anything else becomes a generic 500 (details only in the log).
 */
export const STATUS_BY_CODE = {
  VALIDATION: 400,
  BAD_JSON: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DRIFT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** Too many refused requests from one actor; the answer carries Retry-After. */
  RATE_LIMITED: 429,
  INVALID_STATE: 422,
  TARGET_INVALID: 422,
  KUBE_ERROR: 502,
  /** Prometheus answered, but with a query error or something Aviary cannot read. */
  METRICS_ERROR: 502,
  METRICS_UNAVAILABLE: 503,
  KUBE_UNAVAILABLE: 503,
  DB_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type AppErrorCode = keyof typeof STATUS_BY_CODE;

/** Field path (as in the request body, dot-separated: "steps.1.weight") to message. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fields?: FieldErrors;
  readonly retryAfterSeconds?: number;

  constructor(code: AppErrorCode, message: string, options: { fields?: FieldErrors; cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export function isAppError(value: unknown): value is AppError {
  if (value instanceof AppError) return true;
  // An AppError from another bundled copy of this module (Next.js may bundle it per route) is
  // still one: recognise it by shape so it keeps its status instead of becoming a 500.
  return value instanceof Error && value.name === "AppError" && typeof (value as { code?: unknown }).code === "string" && (value as unknown as { code: string }).code in STATUS_BY_CODE;
}

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
  /** A promotion during a freeze window (lib/domain/freeze); an admin may override with a reason. */
  FROZEN: 409,
  /** A promotion before the rollout's approvals hold (lib/domain/approvals). */
  APPROVAL_PENDING: 409,
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
  /** The demo's sandbox mesh (a test double) did not do what was asked. */
  SANDBOX_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type AppErrorCode = keyof typeof STATUS_BY_CODE;

/** Field path (as in the request body, dot-separated: "steps.1.weight") to message. */
export type FieldErrors = Record<string, string>;

// Next.js bundles lib/ into more than one server layer (pages, route handlers, the proxy), so
// one error may be thrown by one copy of this class and checked against another. Instances
// carry their class names under a process-wide symbol, and `instanceof` reads those: it answers
// the same in every bundle, for AppError and for every subclass that names its own `brand`.
const BRANDS = Symbol.for("aviary.errorBrands");

export class AppError extends Error {
  static readonly brand: string = "AppError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    // A subclass without a brand of its own is checked the ordinary way, never by its parent's brand.
    if (!Object.prototype.hasOwnProperty.call(this, "brand")) return Function.prototype[Symbol.hasInstance].call(this, value);
    const brands = (value as { [BRANDS]?: unknown } | null | undefined)?.[BRANDS];
    return Array.isArray(brands) && brands.includes(this.brand);
  }

  readonly code: AppErrorCode;
  readonly fields?: FieldErrors;
  readonly retryAfterSeconds?: number;
  declare readonly [BRANDS]: string[];

  constructor(code: AppErrorCode, message: string, options: { fields?: FieldErrors; cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
    const brands: string[] = [];
    for (
      let type = new.target as { brand?: string } | null;
      type && typeof type.brand === "string";
      type = Object.getPrototypeOf(type) as { brand?: string } | null
    ) {
      if (!brands.includes(type.brand)) brands.push(type.brand);
    }
    Object.defineProperty(this, BRANDS, { value: brands, enumerable: false });
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * The base of the adapters' errors (Kubernetes, Prometheus, the sandbox mesh): the AppError each
 * failure means, branded per subclass. Whether a retry can help is each adapter's own vocabulary
 * (KubeError's failure.kind, PrometheusError's kind), read by the code that retries it; a shared
 * retry class here was never read by anything and was removed.
 */
export class AdapterError extends AppError {
  static override readonly brand: string = "AdapterError";

  constructor(code: AppErrorCode, message: string, options: { fields?: FieldErrors; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = "AdapterError";
  }
}

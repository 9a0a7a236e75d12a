/**
 * The server's log: one JSON object per line on stdout (warn and error on stderr), with `at`,
 * `level`, `msg`, the request id when there is one, and whatever fields the caller adds. Nothing
 * secret leaves through it: fields named like a credential are replaced, and credentials inside
 * text (a URL's user:password@, a Bearer or Basic header value) are masked wherever they appear,
 * error messages and stacks included.
 *
 * A plain module (no I/O beyond the console, no configuration), so adapters, use cases and routes
 * can all use it; tests pass their own `write` to `createLogger`.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export type Logger = {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose every line carries these fields too (e.g. `{ requestId }`). */
  child(fields: LogFields): Logger;
};

export const REDACTED = "[redacted]";

/** Field names whose values are never logged. */
const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|api[-_]?key|credential|private[-_]?key/i;

/** Masks credentials inside free text. */
export function redactText(text: string): string {
  return (
    text
      // scheme://user:password@host -> scheme://user:[redacted]@host (DATABASE_URL, Prometheus URLs)
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, `$1:${REDACTED}@`)
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`)
  );
}

/** A copy of `value` safe to log: secret keys replaced, text masked, errors flattened, cycles cut. */
export function redact(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return typeof value === "function" || typeof value === "symbol" ? undefined : value;
  if (seen.has(value)) return "[circular]";
  if (depth > 8) return "[too deep]";
  if (value instanceof Date) return value.toISOString();
  seen.add(value);
  try {
    return redactObject(value, seen, depth);
  } finally {
    seen.delete(value); // only ancestors count: the same object twice side by side is no cycle
  }
}

function redactObject(value: object, seen: WeakSet<object>, depth: number): unknown {
  if (value instanceof Error) {
    const { code, kind, cause } = value as Error & { code?: unknown; kind?: unknown; cause?: unknown };
    return redact(
      {
        name: value.name,
        message: value.message,
        ...(code !== undefined ? { code } : {}),
        ...(kind !== undefined ? { kind } : {}),
        ...(value.stack ? { stack: value.stack } : {}),
        ...(cause !== undefined ? { cause } : {}),
      },
      seen,
      depth + 1,
    );
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, seen, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item !== undefined && item !== null ? REDACTED : redact(item, seen, depth + 1);
  }
  return out;
}

export type LogWriter = (level: LogLevel, line: string) => void;

const consoleWriter: LogWriter = (level, line) => {
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
};

export function createLogger({
  write = consoleWriter,
  fields: base = {},
  now = () => new Date(),
}: { write?: LogWriter; fields?: LogFields; now?: () => Date } = {}): Logger {
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    const entry = redact({ at: now().toISOString(), level, msg, ...base, ...fields }) as LogFields;
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      line = JSON.stringify({ at: entry.at, level, msg: redactText(msg), note: "fields could not be serialized" });
    }
    write(level, line);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger({ write, fields: { ...base, ...fields }, now }),
  };
}

/** The process's logger. */
export const log: Logger = createLogger();

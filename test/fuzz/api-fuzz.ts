import fc from "fast-check";
import pg from "pg";
import * as auditExport from "@/app/api/audit-events/export/route";
import * as auditEvents from "@/app/api/audit-events/route";
import * as authCallback from "@/app/api/auth/callback/route";
import * as authDemo from "@/app/api/auth/demo/route";
import * as authLogin from "@/app/api/auth/login/route";
import * as authLogout from "@/app/api/auth/logout/route";
import * as authSession from "@/app/api/auth/session/route";
import * as history from "@/app/api/history/route";
import * as actions from "@/app/api/rollouts/[id]/actions/route";
import * as analysis from "@/app/api/rollouts/[id]/analysis/route";
import * as demoFault from "@/app/api/rollouts/[id]/demo-fault/route";
import * as events from "@/app/api/rollouts/[id]/events/route";
import * as metrics from "@/app/api/rollouts/[id]/metrics/route";
import * as item from "@/app/api/rollouts/[id]/route";
import * as traffic from "@/app/api/rollouts/[id]/traffic/route";
import * as collection from "@/app/api/rollouts/route";
import * as inspect from "@/app/api/virtual-services/inspect/route";
import { GATE_KINDS } from "@/lib/domain/analysis/gates";
import { rolloutInput } from "../fixtures";

/**
 * Property-based fuzzing of every API route that takes input (body, query string or path),
 * through the real route handlers on a real database: hostile unicode (lone surrogates, NUL,
 * controls, overlong and broken percent-escapes), numbers past every range, prototype keys,
 * mutated valid bodies. The properties: no answer of 500 or more; a refused request (4xx)
 * leaves rollouts and operations untouched and writes at most its own audit event; no answer
 * and no audit event ever holds a webhook secret given in a request. The caller
 * checks the audit chain afterwards. Shared by the seeded sample in `npm test` and `npm run fuzz`.
 */
export type FuzzTarget = { rolloutId: string; draftId: string };

type Call = { route: string; run: () => Promise<Response>; describe: string };

const EDGE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud800y",
  "\ud83d\udc26",
  "\u202e",
  "\u001b[2J",
  "\u0085",
  "\ufeff",
  "\uffff",
  "9999999999999999999",
  "-1",
  "0",
  "1e309",
  "NaN",
  "Infinity",
  "-0",
  "0x10",
  "1.5",
  "2026-13-45",
  "2026-06-01T25:00:00Z",
  "99999-01-01",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "a".repeat(5_000),
  "%",
  "%zz",
  "%00",
  "%ED%A0%80",
  "%C0%80",
  "%FF",
  "../../etc/passwd",
  "'; DROP TABLE rollouts; --",
  '"}or vector(1)#',
  "${jndi:x}",
  "null",
  "true",
  "[]",
  "{}",
];

const edgeString = fc.oneof(fc.constantFrom(...EDGE_STRINGS), fc.string({ unit: "binary", maxLength: 40 }), fc.string({ maxLength: 12 }));
const edgeNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, Number.MIN_VALUE, 0.5, 100, 101),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    edgeString,
    edgeNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(edgeString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** A valid definition with one field replaced, removed or added: reaches deep validation. */
const mutatedDefinition = fc
  .tuple(fc.constantFrom(...Object.keys(rolloutInput())), fc.constantFrom("replace", "remove", "add"), jsonish, edgeString)
  .map(([field, how, value, extra]) => {
    const body: Record<string, unknown> = { ...rolloutInput(), name: `fuzz-${Math.random().toString(36).slice(2, 8)}` };
    if (how === "replace") body[field] = value;
    if (how === "remove") delete body[field];
    if (how === "add") body[extra] = value;
    return body;
  });

/** Analysis blocks: valid-looking ones with hostile values in every gate field, and anything at all. */
const analysisBlock = fc.oneof(
  fc.record({
    mode: fc.oneof(fc.constantFrom("off", "observe", "rollback", "auto"), edgeString),
    intervalSeconds: fc.option(edgeNumber, { nil: undefined }),
    gates: fc.option(
      fc.array(
        fc.record({
          kind: fc.oneof(fc.constantFrom(...GATE_KINDS), edgeString),
          max: fc.option(edgeNumber, { nil: undefined }),
          window: fc.option(edgeString, { nil: undefined }),
          query: fc.option(edgeString, { nil: undefined }),
          args: fc.option(jsonish, { nil: undefined }),
          failureLimit: fc.option(edgeNumber, { nil: undefined }),
        }),
        { maxLength: 3 },
      ),
      { nil: undefined },
    ),
  }),
  // Well-formed custom gates, so the interval rule for promql and judge gates (at least 10 s) is reached.
  fc.record({
    mode: fc.constantFrom("observe", "rollback", "auto"),
    intervalSeconds: fc.option(fc.oneof(fc.integer({ min: 1, max: 20 }), edgeNumber), { nil: undefined }),
    gates: fc.array(
      fc.oneof(
        fc.record({
          kind: fc.constant("promql"),
          name: fc.constantFrom("queue", "lag"),
          max: fc.nat(100),
          query: fc.constant("sum(queue{workload={{target}}})"),
        }),
        fc.record({
          kind: fc.constant("judge"),
          name: fc.constantFrom("judge", "judge2"),
          metrics: fc.array(fc.record({ name: fc.constantFrom("p95", "errors"), query: fc.constant("x{w={{target}}}") }), { minLength: 1, maxLength: 3 }),
        }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  jsonish,
);

const withAnalysis = fc
  .tuple(analysisBlock, fc.boolean())
  .map(([analysis, alone]) => (alone ? { analysis } : { ...rolloutInput(), name: `fuzz-${Math.random().toString(36).slice(2, 8)}`, analysis }));

/**
 * Notifications blocks: webhooks as URLs (query tokens, redacted forms), `{url, secret}` with a
 * marked secret that no answer and no audit row may ever contain, `{url, keepSecret}`, and
 * hostile values in every field.
 */
export const SECRET_MARK = "fuzzsecret";
const markedSecret = fc.string({ unit: fc.constantFrom(..."0123456789abcdef-_"), minLength: 8, maxLength: 40 }).map((tail) => `${SECRET_MARK}${tail}`);
const webhookEntry = fc.oneof(
  fc.constantFrom("https://hooks.example.com/aviary", "http://127.0.0.1:9/h?token=abc&x=1", "https://h.example.com/…XYZW"),
  fc.record(
    {
      url: fc.oneof(fc.constantFrom("https://hooks.example.com/own", "https://hooks.example.com/aviary", "http://127.0.0.1:9/h?token=abc"), edgeString),
      secret: fc.oneof({ weight: 3, arbitrary: markedSecret }, { weight: 1, arbitrary: jsonish }),
      keepSecret: fc.oneof(fc.constant(true), jsonish),
    },
    { requiredKeys: ["url"] },
  ),
  jsonish,
);
const validUrl = fc.constantFrom("https://hooks.example.com/own", "https://hooks.example.com/b?token=abc", "http://127.0.0.1:9/h");
const notificationsBlock = fc.oneof(
  // Valid often enough to be stored, so the reads that follow are checked for the secret too.
  fc.record({
    webhooks: fc.uniqueArray(fc.oneof(validUrl, fc.record({ url: validUrl, secret: markedSecret })), {
      maxLength: 3,
      selector: (e) => (typeof e === "string" ? e : e.url),
    }),
  }),
  fc.record(
    {
      webhooks: fc.oneof(fc.array(webhookEntry, { maxLength: 6 }), jsonish),
      slack: fc.array(fc.oneof(fc.constant("https://hooks.slack.com/services/T0/B0/x?token=q"), edgeString), { maxLength: 2 }),
      on: fc.array(fc.oneof(fc.constantFrom("action", "verdict", "drift", "waiting"), edgeString), { maxLength: 3 }),
      global: fc.oneof(fc.boolean(), jsonish),
      waitingMinutes: edgeNumber,
    },
    { requiredKeys: [] },
  ),
  jsonish,
);
const withNotifications = fc
  .tuple(notificationsBlock, fc.boolean())
  .map(([notifications, alone]) => (alone ? { notifications } : { ...rolloutInput(), name: `fuzz-${Math.random().toString(36).slice(2, 8)}`, notifications }));

const actionBody = fc.oneof(
  fc.record(
    {
      action: fc.oneof(fc.constantFrom("start", "promote", "promote_full", "pause", "resume", "rollback", "adopt"), edgeString),
      reason: fc.option(edgeString, { nil: undefined }),
      expectedRevision: fc.option(edgeNumber, { nil: undefined }),
    },
    { requiredKeys: ["action"] },
  ),
  jsonish,
);

/** Raw bodies: JSON of anything, broken JSON, other content types. */
const rawBody = (structured: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: structured.map((value) => ({ text: JSON.stringify(value) ?? "null", type: "application/json" })) },
    { weight: 1, arbitrary: edgeString.map((text) => ({ text, type: "application/json" })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(edgeString, fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin1"))
        .map(([text, type]) => ({ text, type })),
    },
  );

const QUERY_NAMES = [
  "returnTo",
  "code",
  "state",
  "error",
  "iss",
  "user",
  "role",
  "action",
  "outcome",
  "actor",
  "rollout",
  "namespace",
  "service",
  "from",
  "to",
  "tz",
  "q",
  "cursor",
  "limit",
  "format",
  "window",
  "status",
  "includeArchived",
  "sort",
];

/** Query strings: values percent-encoded as a browser would, or raw escapes as an attacker would. */
const queryString = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_NAMES), edgeString, fc.boolean()), { maxLength: 4 })
  .map((pairs) =>
    pairs
      .map(
        ([name, value, raw]) =>
          `${name}=${raw && /^[\x21-\x7e]*$/.test(value) ? value.replaceAll("#", "%23").replaceAll("&", "%26") : new URLSearchParams({ v: value }).toString().slice(2)}`,
      )
      .join("&"),
  )
  .map((query) => (query ? `?${query}` : ""));

const cursorLike = fc.oneof(
  fc.tuple(edgeNumber, fc.oneof(edgeString, edgeNumber)).map((pair) => Buffer.from(JSON.stringify(pair)).toString("base64url")),
  edgeString.map((text) => Buffer.from(text).toString("base64url")),
);

const pathId = (target: FuzzTarget) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(target.rolloutId, target.draftId, "00000000-0000-0000-0000-000000000000", target.rolloutId.toUpperCase()) },
    { weight: 1, arbitrary: edgeString },
  );

function request(method: string, path: string, { query = "", body }: { query?: string; body?: { text: string; type: string } } = {}) {
  const headers = new Headers();
  if (body?.type) headers.set("content-type", body.type);
  // The handler gets the path parameter as given; the URL only needs to be one (lone surrogates as U+FFFD).
  const urlPath = path
    .split("/")
    .map((part) => encodeURIComponent(Buffer.from(part).toString()))
    .join("/");
  return new Request(`http://aviary.test${urlPath}${query}`, { method, headers, body: body?.text });
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });

/** One arbitrary API call, over every route with input. */
export function apiCall(target: FuzzTarget): fc.Arbitrary<Call> {
  const id = pathId(target);
  const call = (route: string, describe: string, run: () => Promise<Response>): Call => ({ route, describe, run });
  return fc.oneof(
    rawBody(fc.oneof(mutatedDefinition, withAnalysis, withNotifications, jsonish)).map((body) =>
      call("POST /api/rollouts", body.text.slice(0, 300), () => collection.POST(request("POST", "/api/rollouts", { body }))),
    ),
    queryString.map((query) => call("GET /api/rollouts", query, () => collection.GET(request("GET", "/api/rollouts", { query })))),
    fc
      .tuple(id, rawBody(fc.oneof(mutatedDefinition, withAnalysis, withNotifications, jsonish)))
      .map(([rid, body]) =>
        call("PATCH /api/rollouts/{id}", `${rid} ${body.text.slice(0, 300)}`, () =>
          item.PATCH(request("PATCH", `/api/rollouts/${rid}`, { body }), params(rid)),
        ),
      ),
    id.map((rid) => call("GET /api/rollouts/{id}", rid, () => item.GET(request("GET", `/api/rollouts/${rid}`), params(rid)))),
    id
      .filter((rid) => rid !== target.rolloutId)
      .map((rid) => call("DELETE /api/rollouts/{id}", rid, () => item.DELETE(request("DELETE", `/api/rollouts/${rid}`), params(rid)))),
    fc
      .tuple(id, rawBody(actionBody))
      .map(([rid, body]) =>
        call("POST /api/rollouts/{id}/actions", `${rid} ${body.text.slice(0, 300)}`, () =>
          actions.POST(request("POST", `/api/rollouts/${rid}/actions`, { body }), params(rid)),
        ),
      ),
    fc
      .tuple(id, queryString)
      .map(([rid, query]) =>
        call("GET /api/rollouts/{id}/events", `${rid} ${query}`, () => events.GET(request("GET", `/api/rollouts/${rid}/events`, { query }), params(rid))),
      ),
    fc
      .tuple(id, queryString)
      .map(([rid, query]) =>
        call("GET /api/rollouts/{id}/traffic", `${rid} ${query}`, () => traffic.GET(request("GET", `/api/rollouts/${rid}/traffic`, { query }), params(rid))),
      ),
    fc
      .tuple(id, queryString)
      .map(([rid, query]) =>
        call("GET /api/rollouts/{id}/analysis", `${rid} ${query}`, () => analysis.GET(request("GET", `/api/rollouts/${rid}/analysis`, { query }), params(rid))),
      ),
    fc
      .tuple(id, rawBody(fc.oneof(fc.record({ fault: fc.oneof(fc.constantFrom("errors", "latency", "heal"), edgeString) }), jsonish)))
      .map(([rid, body]) =>
        call("POST /api/rollouts/{id}/demo-fault", `${rid} ${body.text.slice(0, 300)}`, () =>
          demoFault.POST(request("POST", `/api/rollouts/${rid}/demo-fault`, { body }), params(rid)),
        ),
      ),
    fc
      .tuple(id, queryString)
      .map(([rid, query]) =>
        call("GET /api/rollouts/{id}/metrics", `${rid} ${query}`, () => metrics.GET(request("GET", `/api/rollouts/${rid}/metrics`, { query }), params(rid))),
      ),
    rawBody(
      fc.oneof(
        fc.record({ cluster: edgeString, namespace: edgeString, virtualService: edgeString, route: edgeString, stable: jsonish, canary: jsonish }),
        jsonish,
      ),
    ).map((body) =>
      call("POST /api/virtual-services/inspect", body.text.slice(0, 300), () => inspect.POST(request("POST", "/api/virtual-services/inspect", { body }))),
    ),
    fc
      .oneof(
        queryString,
        cursorLike.map((cursor) => `?cursor=${cursor}`),
      )
      .map((query) => call("GET /api/audit-events", query, () => auditEvents.GET(request("GET", "/api/audit-events", { query })))),
    queryString.map((query) => call("GET /api/audit-events/export", query, () => auditExport.GET(request("GET", "/api/audit-events/export", { query })))),
    fc
      .oneof(
        queryString,
        cursorLike.map((cursor) => `?cursor=${cursor}`),
      )
      .map((query) => call("GET /api/history", query, () => history.GET(request("GET", "/api/history", { query })))),
    // Sign-in routes (the suite runs without sign-in: they must refuse cleanly, whatever arrives).
    queryString.map((query) => call("GET /api/auth/login", query, () => authLogin.GET(request("GET", "/api/auth/login", { query })))),
    queryString.map((query) => call("GET /api/auth/callback", query, () => authCallback.GET(request("GET", "/api/auth/callback", { query })))),
    queryString.map((query) => call("GET /api/auth/session", query, () => authSession.GET(request("GET", "/api/auth/session", { query })))),
    fc
      .tuple(fc.dictionary(fc.constantFrom("user", "role", "returnTo", "name"), edgeString, { maxKeys: 3 }), fc.boolean())
      .map(([fields, asForm]) => ({
        text: asForm ? new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, Buffer.from(v).toString()])).toString() : JSON.stringify(fields),
        type: asForm ? "application/x-www-form-urlencoded" : "application/json",
      }))
      .map((body) => call("POST /api/auth/demo", body.text.slice(0, 300), () => authDemo.POST(request("POST", "/api/auth/demo", { body })))),
    rawBody(jsonish).map((body) =>
      call("POST /api/auth/logout", body.text.slice(0, 300), () => authLogout.POST(request("POST", "/api/auth/logout", { body }))),
    ),
  );
}

/** What refused input must not change: every rollout and operation row, and the audit log's size; and audit rows holding a secret. */
async function snapshot(client: pg.Client) {
  const { rows } = await client.query<{ rollouts: string; operations: string; events: string; secrets: string }>(
    `
    SELECT (SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r.id), '')) FROM rollouts r) AS rollouts,
           (SELECT md5(coalesce(string_agg(o::text, '|' ORDER BY o.id), '')) FROM rollout_operations o) AS operations,
           (SELECT count(*)::text FROM audit_events) AS events,
           (SELECT count(*)::text FROM audit_events a WHERE a::text LIKE '%' || $1 || '%') AS secrets`,
    [SECRET_MARK],
  );
  return rows[0]!;
}

export type FuzzReport = { runs: number; byRoute: Record<string, Record<string, number>>; failures: string[] };

/** Runs `numRuns` calls with a fixed seed; every property violation is collected, not thrown one by one. */
export async function fuzzApi({
  databaseUrl,
  target,
  numRuns,
  seed,
}: {
  databaseUrl: string;
  target: FuzzTarget;
  numRuns: number;
  seed: number;
}): Promise<FuzzReport> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const report: FuzzReport = { runs: 0, byRoute: {}, failures: [] };
  try {
    await fc.assert(
      fc.asyncProperty(apiCall(target), async (call) => {
        const before = await snapshot(client);
        const response = await call.run();
        const answer = Buffer.from(await response.arrayBuffer()).toString("utf8"); // streams (exports) run to the end
        const after = await snapshot(client);
        report.runs += 1;
        const counts = (report.byRoute[call.route] ??= {});
        counts[response.status] = (counts[response.status] ?? 0) + 1;
        const fail = (why: string) => report.failures.push(`${call.route} -> ${response.status}: ${why}; input: ${JSON.stringify(call.describe)}`);
        if (response.status >= 500) fail("an answer of 500 or more");
        if (answer.includes(SECRET_MARK)) fail("an answer showed a webhook secret");
        if (Number(after.secrets) > Number(before.secrets)) fail("it wrote an audit event holding a webhook secret");
        if (response.status >= 400 && response.status < 500) {
          if (after.rollouts !== before.rollouts) fail("refused input changed a rollout");
          if (after.operations !== before.operations) fail("refused input changed an operation");
          const written = Number(after.events) - Number(before.events);
          if (written > 1) fail(`refused input wrote ${written} audit events`);
        }
        return true;
      }),
      { numRuns, seed, endOnFailure: false },
    );
  } finally {
    await client.end();
  }
  return report;
}

/**
 * An approval HTTP check: one GET with a deadline. It never throws: the answer (status, latency,
 * a short excerpt of the body, or what went wrong) is what Aviary shows and audits. Redirects are
 * not followed (a 3xx is the answer, comparable with expectStatus), at most EXCERPT_BYTES of the
 * body are read, and control characters are dropped from the excerpt.
 */
export type HttpCheckAnswer = { status: number | null; latencyMs: number; excerpt: string | null; error: string | null };

export type RunHttpCheck = (request: { url: string; timeoutMs: number }) => Promise<HttpCheckAnswer>;

const EXCERPT_BYTES = 2048;
const EXCERPT_CHARS = 200;

async function readExcerpt(body: ReadableStream<Uint8Array> | null): Promise<string | null> {
  if (!body) return null;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString("utf8");
  const clean = text
    .replace(/[\u0000-\u001F\u007F-\u009F\uFFFD]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  // By code point, so a cut never leaves half a surrogate pair (which the audit log could not store).
  return clean ? Array.from(clean).slice(0, EXCERPT_CHARS).join("") : null;
}

export const runHttpCheck: RunHttpCheck = async ({ url, timeoutMs }) => {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, { method: "GET", headers: { "user-agent": "Aviary-Approvals/1" }, redirect: "manual", signal });
    const latencyMs = elapsed();
    const excerpt = await readExcerpt(response.body).catch(() => null);
    return { status: response.status, latencyMs, excerpt, error: null };
  } catch (error) {
    if (signal.aborted) return { status: null, latencyMs: elapsed(), excerpt: null, error: `no answer within ${timeoutMs} ms` };
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: null, latencyMs: elapsed(), excerpt: null, error: `could not connect${cause?.code ? ` (${cause.code})` : ""}` };
  }
};

import { readCappedStream } from "../read-capped-stream";
import { PrometheusError } from "./prometheus-error";

/**
 * Reads a response body as text, refusing it once it passes `maxBytes`: the stream is cancelled
 * there, so an answer of any size costs at most the cap in memory (plus one chunk), not the
 * whole answer. A Content-Length above the cap is refused before any byte is read.
 */
export async function readCappedBody(res: Response, { maxBytes, url }: { maxBytes: number; url: string }): Promise<string> {
  const tooLarge = () =>
    new PrometheusError({
      kind: "too_large",
      url,
      httpStatus: res.status,
      message: `Prometheus at ${url} answered with more than ${maxBytes} bytes (AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES): narrow the query or raise the limit`,
    });
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const bytes = await readCappedStream(res.body, maxBytes);
  if (bytes === null) throw tooLarge();
  return bytes.toString("utf8");
}

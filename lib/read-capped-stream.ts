/**
 * Reads a body stream whole unless it passes `maxBytes`: the stream is cancelled there, so a body
 * of any size costs at most the cap in memory (plus one chunk). Null when it was too large; each
 * caller says so in its own words (a 413 for API requests, `too_large` for Prometheus answers).
 */
export async function readCappedStream(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Buffer | null> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

import { AppError } from "../app-error";
import { readCappedStream } from "../read-capped-stream";

export const MAX_JSON_BYTES = 64 * 1024;

/**
 * Reads a JSON request body with the checks a public API owes its callers: the content type,
 * a size cap enforced while streaming (not after buffering a huge body), and a parse error that
 * says where the JSON broke.
 */
export async function readJsonBody(request: Request, { maxBytes = MAX_JSON_BYTES } = {}): Promise<unknown> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `send the body as JSON with "Content-Type: application/json" (got ${contentType ? `"${contentType}"` : "none"})`,
    );
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = await readCapped(request, maxBytes);
  if (text.trim() === "") throw new AppError("BAD_JSON", "the request body is empty; expected a JSON object");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError("BAD_JSON", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

async function readCapped(request: Request, maxBytes: number): Promise<string> {
  const bytes = await readCappedStream(request.body, maxBytes);
  if (bytes === null) throw tooLarge(maxBytes);
  return new TextDecoder().decode(bytes);
}

function tooLarge(maxBytes: number) {
  return new AppError("PAYLOAD_TOO_LARGE", `the request body is larger than ${Math.round(maxBytes / 1024)} KiB`);
}

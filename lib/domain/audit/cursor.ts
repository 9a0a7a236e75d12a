/**
 * Opaque keyset cursors for the audit log and the history: "continue after this (time, id)".
 * Unlike an offset, a cursor stays correct while new events are appended, so paging visits every
 * event exactly once. The encoding is base64url JSON; decoding validates it fully, because the
 * cursor comes back from the URL.
 */

import { EARLIEST_MS, LATEST_MS } from "./filter-fields";

export type EventCursor = { at: Date; id: bigint };
export type RolloutCursor = { updatedAt: Date; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_CURSOR_LENGTH = 200;
/** audit_events.id is a PostgreSQL bigint: a larger id would fail in the database, not here. */
const MAX_BIGINT = 2n ** 63n - 1n;

function encode(parts: [number, string]): string {
  return Buffer.from(JSON.stringify(parts), "utf8").toString("base64url");
}

function decode(cursor: string): [number, string] | null {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [ms, id] = parsed as unknown[];
  if (typeof ms !== "number" || !Number.isSafeInteger(ms) || typeof id !== "string") return null;
  // Every timestamp this server hands out is in range; others would fail in PostgreSQL.
  if (ms < EARLIEST_MS || ms > LATEST_MS) return null;
  return [ms, id];
}

export function encodeEventCursor({ at, id }: EventCursor): string {
  return encode([at.getTime(), id.toString()]);
}

export function decodeEventCursor(cursor: string): EventCursor | null {
  const parts = decode(cursor);
  if (!parts || !/^[1-9]\d{0,18}$/.test(parts[1])) return null;
  const id = BigInt(parts[1]);
  return id <= MAX_BIGINT ? { at: new Date(parts[0]), id } : null;
}

export function encodeRolloutCursor({ updatedAt, id }: RolloutCursor): string {
  return encode([updatedAt.getTime(), id]);
}

export function decodeRolloutCursor(cursor: string): RolloutCursor | null {
  const parts = decode(cursor);
  if (!parts || !UUID.test(parts[1])) return null;
  return { updatedAt: new Date(parts[0]), id: parts[1] };
}

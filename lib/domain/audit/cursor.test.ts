import { describe, expect, it } from "vitest";
import { decodeEventCursor, decodeRolloutCursor, encodeEventCursor, encodeRolloutCursor } from "./cursor";

describe("cursors", () => {
  it("round-trip exactly, 64-bit ids included", () => {
    const event = { at: new Date("2026-04-15T10:30:00.123Z"), id: 9_007_199_254_740_993n };
    expect(decodeEventCursor(encodeEventCursor(event))).toEqual(event);
    const rollout = { updatedAt: new Date("2026-01-01T00:00:00.001Z"), id: "6f1c1a52-0a6b-4d36-9d47-2f0b5a0e0c11" };
    expect(decodeRolloutCursor(encodeRolloutCursor(rollout))).toEqual(rollout);
  });

  it("take the largest bigint id and the ends of years 1 to 9999", () => {
    const largest = { at: new Date("9999-12-31T23:59:59.999Z"), id: 9_223_372_036_854_775_807n };
    expect(decodeEventCursor(encodeEventCursor(largest))).toEqual(largest);
    const earliest = { updatedAt: new Date("0001-01-01T00:00:00Z"), id: "6f1c1a52-0a6b-4d36-9d47-2f0b5a0e0c11" };
    expect(decodeRolloutCursor(encodeRolloutCursor(earliest))).toEqual(earliest);
  });

  it("are URL-safe", () => {
    expect(encodeEventCursor({ at: new Date(), id: 1n })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    "",
    "garbage",
    "!!!",
    Buffer.from("[1]").toString("base64url"),
    Buffer.from('["x","1"]').toString("base64url"),
    Buffer.from('[1.5,"1"]').toString("base64url"),
    Buffer.from('[1,"0"]').toString("base64url"),
    Buffer.from('[1,"1 OR 1=1"]').toString("base64url"),
    Buffer.from(`[1,"${"9".repeat(25)}"]`).toString("base64url"),
    // 19 digits but past PostgreSQL's bigint (2^63 - 1 = 9223372036854775807)
    Buffer.from('[1700000000000,"9999999999999999999"]').toString("base64url"),
    Buffer.from('[1700000000000,"9223372036854775808"]').toString("base64url"),
    // valid JS dates outside years 1 to 9999
    Buffer.from('[-8640000000000000,"1"]').toString("base64url"),
    Buffer.from('[8640000000000000,"1"]').toString("base64url"),
    Buffer.from('[253402300800000,"1"]').toString("base64url"),
    "A".repeat(500),
  ])("rejects %j", (cursor) => {
    expect(decodeEventCursor(cursor)).toBeNull();
  });

  it("does not accept one kind for the other", () => {
    expect(decodeRolloutCursor(encodeEventCursor({ at: new Date(), id: 5n }))).toBeNull();
    expect(decodeEventCursor(encodeRolloutCursor({ updatedAt: new Date(), id: "6f1c1a52-0a6b-4d36-9d47-2f0b5a0e0c11" }))).toBeNull();
  });
});

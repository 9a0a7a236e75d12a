import { describe, expect, it } from "vitest";
import { canonicalJson, hashEvent } from "./audit-events";

/**
 * The hashing scheme is part of every stored event: changing it (key order, separators, the
 * treatment of null) would make every existing chain fail verification. These pin it.
 */
describe("canonicalJson", () => {
  it("sorts keys the same way on every host, whatever LANG says", () => {
    expect(canonicalJson({ steps: 1, stepStartedAt: 2, b: { z: 1, a: [{ y: 1, x: 2 }] }, a: null })).toBe(
      '{"a":null,"b":{"a":[{"x":2,"y":1}],"z":1},"steps":1,"stepStartedAt":2}',
    );
  });

  it("writes 64-bit integers as strings", () => {
    expect(canonicalJson({ id: 9_007_199_254_740_993n })).toBe('{"id":"9007199254740993"}');
  });
});

describe("hashEvent", () => {
  const content = { at: "2026-04-15T10:30:00.000Z", action: "rollback", actorId: "u-alice", reason: "errors", after: { canaryWeight: 0 } };

  it("is the SHA-256 of the previous hash and the canonical content (golden value)", () => {
    expect(hashEvent(content, null)).toBe("ea4cbf1bb6243b71a77048c4e6ff9208ddf0a133113a4ad523ff741220a0c75d");
    expect(hashEvent(content, "a".repeat(64))).toBe("1ab1f62ef4ce4668193754d65da8830e51eb82c3a54b6a053410ec350aa20ea1");
  });

  it("changes with any field and with the previous hash", () => {
    expect(hashEvent({ ...content, reason: "errors!" }, null)).not.toBe(hashEvent(content, null));
    expect(hashEvent(content, "b".repeat(64))).not.toBe(hashEvent(content, "a".repeat(64)));
  });
});

import { describe, expect, it } from "vitest";
import { keyedHash, legacyCanonicalJson, legacyHash, storableJson, storableText } from "./hash";

/**
 * The hashing schemes are part of every stored event: changing one (key order, separators, the
 * treatment of null) would make every existing chain fail verification. These pin them.
 */
describe("legacyCanonicalJson (version 1)", () => {
  it("sorts keys the same way on every host, whatever LANG says", () => {
    expect(legacyCanonicalJson({ steps: 1, stepStartedAt: 2, b: { z: 1, a: [{ y: 1, x: 2 }] }, a: null })).toBe(
      '{"a":null,"b":{"a":[{"x":2,"y":1}],"z":1},"steps":1,"stepStartedAt":2}',
    );
  });

  it("writes 64-bit integers as strings", () => {
    expect(legacyCanonicalJson({ id: 9_007_199_254_740_993n })).toBe('{"id":"9007199254740993"}');
  });
});

describe("legacyHash (version 1)", () => {
  const content = { at: "2026-04-15T10:30:00.000Z", action: "rollback", actorId: "u-alice", reason: "errors", after: { canaryWeight: 0 } };

  it("is the SHA-256 of the previous hash and the canonical content (golden value)", () => {
    expect(legacyHash(content, null)).toBe("ea4cbf1bb6243b71a77048c4e6ff9208ddf0a133113a4ad523ff741220a0c75d");
    expect(legacyHash(content, "a".repeat(64))).toBe("1ab1f62ef4ce4668193754d65da8830e51eb82c3a54b6a053410ec350aa20ea1");
  });

  it("changes with any field and with the previous hash", () => {
    expect(legacyHash({ ...content, reason: "errors!" }, null)).not.toBe(legacyHash(content, null));
    expect(legacyHash(content, "b".repeat(64))).not.toBe(legacyHash(content, "a".repeat(64)));
  });
});

describe("keyedHash (version 2)", () => {
  const content = { at: "2026-04-15T10:30:00.000Z", action: "rollback", actorId: "u-alice", reason: "errors", after: { canaryWeight: 0 }, hashVersion: 2 };
  const key = "k".repeat(32);

  it("is an HMAC-SHA-256 over the previous hash and the code-unit-sorted content (golden value)", () => {
    // Checked independently: printf '\n<canonical JSON>' | openssl dgst -sha256 -hmac kkk…k
    expect(keyedHash(content, null, key)).toBe("6688eb727d08629e22bfbb1bcc9fba314ab5d5211e7c45fe109526ddc7098752");
    expect(keyedHash({ ...content, reason: "errors!" }, null, key)).not.toBe(keyedHash(content, null, key));
  });

  it("cannot be recomputed without the key", () => {
    expect(keyedHash(content, "a".repeat(64), key)).not.toBe(keyedHash(content, "a".repeat(64), "x".repeat(32)));
    expect(keyedHash(content, null, key)).not.toBe(legacyHash(content, null));
  });

  it("does not depend on the order keys were written in", () => {
    const reversed = Object.fromEntries(Object.entries(content).reverse());
    expect(keyedHash(reversed, null, key)).toBe(keyedHash(content, null, key));
  });
});

describe("storable text", () => {
  it("turns lone surrogates and NUL into U+FFFD, as PostgreSQL would keep them, and leaves pairs alone", () => {
    expect(storableText("\ud800")).toBe("\ufffd");
    expect(storableText("a\udc00b")).toBe("a\ufffdb");
    expect(storableText("a\u0000b")).toBe("a\ufffdb");
    expect(storableText("🐦 canary\ttab\nline")).toBe("🐦 canary\ttab\nline");
  });

  it("applies to JSON strings and keys, and is idempotent", () => {
    const value = { "\ud800": ["\u0000", 1, null, { x: "\udfff" }] };
    const once = storableJson(value);
    expect(once).toEqual({ "\ufffd": ["\ufffd", 1, null, { x: "\ufffd" }] });
    expect(storableJson(once)).toEqual(once);
    expect(storableJson(undefined)).toBeNull();
  });
});

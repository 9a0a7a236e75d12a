import { describe, expect, it } from "vitest";
import { claimAt, userFromClaims } from "./oidc";

describe("claims to user", () => {
  it("takes name, email and groups, falling back sensibly", () => {
    expect(userFromClaims({ sub: "u1", name: "Olu Operator", email: "olu@example.com", groups: ["sre", 7, ""] }, "groups")).toEqual({
      user: { id: "u1", name: "Olu Operator", email: "olu@example.com" },
      groups: ["sre"],
    });
    expect(userFromClaims({ sub: "u2", preferred_username: "vic" }, "groups")).toEqual({ user: { id: "u2", name: "vic", email: null }, groups: [] });
    expect(userFromClaims({ sub: "u3", groups: "a, b" }, "groups").groups).toEqual(["a", "b"]);
  });

  it("refuses claims without a subject", () => {
    expect(() => userFromClaims({ name: "nobody" }, "groups")).toThrow(/no subject/);
  });

  it("finds namespaced and nested group claims", () => {
    expect(claimAt({ "https://example.com/groups": ["x"] }, "https://example.com/groups")).toEqual(["x"]);
    expect(claimAt({ realm_access: { roles: ["sre"] } }, "realm_access.roles")).toEqual(["sre"]);
    expect(claimAt({ realm_access: null }, "realm_access.roles")).toBeUndefined();
  });
});

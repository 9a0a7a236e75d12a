import { describe, expect, it } from "vitest";
import { groupsGranting, parseRoleGroups, relevantGroups, roleForGroups } from "./role-mapping";

const mapping = parseRoleGroups('{"admin":["sre-leads"],"operator":["sre"],"viewer":["*"]}');

describe("role mapping", () => {
  it("gives the highest role any group grants", () => {
    expect(roleForGroups(mapping, ["sre", "sre-leads"])).toBe("admin");
    expect(roleForGroups(mapping, ["sre", "payments"])).toBe("operator");
    expect(roleForGroups(mapping, ["payments"])).toBe("viewer");
    expect(roleForGroups(mapping, [])).toBe("viewer");
  });

  it("gives no role when nothing matches and there is no wildcard", () => {
    const strict = parseRoleGroups('{"operator":["sre"],"viewer":["eng"]}');
    expect(roleForGroups(strict, ["marketing"])).toBeNull();
    expect(roleForGroups(strict, [])).toBeNull();
    expect(roleForGroups(strict, ["eng"])).toBe("viewer");
  });

  it("matches group names exactly", () => {
    expect(roleForGroups(mapping, ["SRE", "sre "])).toBe("viewer");
  });

  it("keeps only the groups the mapping mentions, for the session cookie", () => {
    expect(relevantGroups(mapping, ["a", "sre", "b", "sre"])).toEqual(["sre"]);
  });

  it("lists the groups that grant a role or more", () => {
    expect(groupsGranting(mapping, "operator")).toEqual(["sre", "sre-leads"]);
  });

  it.each([
    ["not json", /not valid JSON/],
    ['["sre"]', /expected a JSON object/],
    ['{"superuser":["root"]}', /unknown role "superuser"/],
    ['{"admin":"sre-leads"}', /admin: each role maps to a list of group names/],
    ['{"admin":[""]}', /group names cannot be empty/],
    ['{"admin":[]}', /maps no group to any role/],
  ])("refuses %s with a precise message", (text, message) => {
    expect(() => parseRoleGroups(text)).toThrow(message);
  });
});

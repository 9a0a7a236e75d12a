import { describe, expect, it } from "vitest";
import { safeText, textProblem } from "./safe-text";

describe("textProblem", () => {
  it("accepts ordinary text, emoji (surrogate pairs) included, and tab/newline where multi-line", () => {
    expect(textProblem("rollback: 5% errors 🐦")).toBeNull();
    expect(textProblem("line one\n\tline two", { multiline: true })).toBeNull();
  });

  it("names NUL, lone surrogates and control characters", () => {
    expect(textProblem("a\u0000b")).toMatch(/NUL/);
    expect(textProblem("\ud800")).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem("x\udc00")).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem("bell\u0007")).toBe("must not contain control characters (found \\u0007)");
    expect(textProblem("esc\u001b[31m", { multiline: true })).toBe("must not contain control characters other than tab and newline (found \\u001b)");
    expect(textProblem("c1\u0085")).toMatch(/u0085/);
    expect(textProblem("two\nlines")).toMatch(/u000a/);
  });
});

describe("safeText", () => {
  it("refuses with a message that names the field", () => {
    const result = safeText("reason", { multiline: true }).safeParse("a\u0000b");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("reason must not contain NUL (\\u0000)");
  });
});

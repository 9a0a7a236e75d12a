import { describe, expect, it, vi } from "vitest";
import { AppError, isAppError } from "./app-error";

/** Stands for a copy of lib/app-error.ts in another Next.js bundle: same brand, another class object. */
async function foreignCopy(): Promise<typeof AppError> {
  vi.resetModules();
  return (await import("./app-error")).AppError;
}

describe("AppError across bundles", () => {
  it("is recognised by instanceof whichever copy of the class threw it", async () => {
    const Other = await foreignCopy();
    expect(Other).not.toBe(AppError);
    const foreign = new Other("CONFLICT", "changed");
    expect(foreign instanceof AppError).toBe(true);
    expect(isAppError(foreign)).toBe(true);
    expect(new AppError("VALIDATION", "x") instanceof Other).toBe(true);
  });

  it("tells subclasses apart by their own brand, and plain errors are not AppErrors", async () => {
    class Special extends AppError {
      static override readonly brand = "Special";
    }
    expect(new Special("FORBIDDEN", "no") instanceof AppError).toBe(true);
    expect(new Special("FORBIDDEN", "no") instanceof Special).toBe(true);
    expect(new AppError("FORBIDDEN", "no") instanceof Special).toBe(false);
    const lookalike = Object.assign(new Error("x"), { name: "AppError", code: "CONFLICT" });
    expect(lookalike instanceof AppError).toBe(false);
    class Unbranded extends AppError {}
    expect(new AppError("FORBIDDEN", "no") instanceof Unbranded).toBe(false);
    expect(new Unbranded("FORBIDDEN", "no") instanceof Unbranded).toBe(true);
  });
});

import { randomUUID } from "node:crypto";
import { expect, signInAsDemoUser, test } from "../auth/signed-in";
import { startSecondApp } from "../fixtures/second-app";
import { freePort } from "../../test/free-port";

/**
 * The app with its database gone (a failed-over Postgres, a wrong DATABASE_URL at 3 a.m.): every
 * dashboard page says so in words and offers a retry, instead of the generic "something went
 * wrong" a production build shows for a thrown error (it passes error.tsx only a digest).
 * The second app points at a loopback port nothing listens on.
 */
test.setTimeout(150_000);

test("with the database unreachable, the overview, a rollout page and the history say so and offer a retry", async ({ browser }) => {
  const deadDatabase = `postgresql://aviary:unused@127.0.0.1:${await freePort()}/aviary`;
  const app = await startSecondApp({ databaseUrl: deadDatabase });
  try {
    const context = await browser.newContext({ baseURL: app.url });
    await signInAsDemoUser(context.request, { user: "demo-omar", role: "operator" });
    const page = await context.newPage();
    for (const [path, title] of [
      ["/", /Aviary/],
      [`/rollouts/${randomUUID()}`, /Database unreachable/],
      ["/history", /Aviary|History/],
    ] as const) {
      await page.goto(path);
      const alert = page.getByRole("alert").filter({ hasText: "Aviary cannot reach its database" });
      await expect(alert, path).toBeVisible({ timeout: 30_000 });
      await expect(alert.getByText("Check /api/readyz for the reason")).toBeVisible();
      await expect(alert.getByRole("button", { name: "Try again" })).toBeEnabled();
      await expect(page, path).toHaveTitle(title);
      // Not the generic boundary, and no stack or connection string on the page.
      await expect(page.getByText(/something went wrong/i)).toHaveCount(0);
      await expect(page.locator("body")).not.toContainText("127.0.0.1:");
    }
    const ready = await context.request.get("/api/readyz");
    expect(ready.status()).toBe(503);
    await context.close();
  } finally {
    await app.stop();
  }
});

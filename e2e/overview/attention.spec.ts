import pg from "pg";
import { expect, test } from "../auth/signed-in";
import { createRolloutOnNewVirtualService, uniqueName } from "../fixtures/api";
import { readStack } from "../fixtures/stack";

/**
 * The 3 a.m. moment on the overview: a rollout whose gate fails is listed first under "Needs you"
 * with the reason in words, and a keyboard reaches it. The failing evaluation is written to the
 * test database as the analysis loop would; it is dated a little ahead so that the loop's own
 * evaluations of this canary (every 300 s here) do not replace it as the latest.
 */
test("a rollout with a failing gate is under 'Needs you' with its reason, and reachable by keyboard", async ({ page, request }) => {
  const { rollout } = await createRolloutOnNewVirtualService(request, [10, 100], {
    name: uniqueName("failing"),
    steps: [{ weight: 10, pauseSeconds: 3600 }, { weight: 100 }],
    analysis: { mode: "observe", intervalSeconds: 300 },
  });
  expect((await request.post(`/api/rollouts/${rollout.id}/actions`, { data: { action: "start" } })).status()).toBe(200);

  const { databaseUrl } = await readStack();
  const db = new pg.Client({ connectionString: databaseUrl! });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO analysis_evaluations (rollout_id, at, gate, kind, verdict, value, threshold, unit, reason, "window", step, canary_weight)
       VALUES ($1, now() + interval '10 minutes', 'errorRate', 'errorRate', 'fail', 4.9, 0.1, '%', $2, '1m', 0, 10)`,
      [rollout.id, "canary error rate 4.9% > 0.1%, 49 errors in 1,000 requests in 1 min"],
    );
  } finally {
    await db.end();
  }

  await page.goto("/");
  const needsYou = page.getByRole("region", { name: /^Needs you/ });
  await expect(needsYou.getByRole("heading", { level: 2 })).toContainText(/Needs you \d+/);
  const row = needsYou.getByRole("row").filter({ has: page.getByRole("link", { name: rollout.name, exact: true }) });
  await expect(row).toHaveCount(1);
  const why = needsYou.getByRole("list", { name: `Why: ${rollout.name}` });
  await expect(why).toContainText("gate errorRate failing: canary error rate 4.9% > 0.1%, 49 errors in 1,000 requests in 1 min");
  // Failing gates come first: every rollout listed above this one is failing too (the stack is shared by the specs).
  const reasons = await needsYou
    .getByRole("list", { name: /^Why: / })
    .evaluateAll((lists) => lists.map((list) => ({ label: list.getAttribute("aria-label"), text: list.textContent ?? "" })));
  const index = reasons.findIndex(({ label }) => label === `Why: ${rollout.name}`);
  expect(index).toBeGreaterThanOrEqual(0);
  expect(reasons.slice(0, index).every(({ text }) => text.includes("failing:"))).toBe(true);
  await expect(
    page
      .getByRole("region", { name: /^Progressing/ })
      .getByRole("row")
      .filter({ hasText: rollout.name }),
  ).toHaveCount(0);

  // Keyboard: Tab from the top of the page reaches the rollout's link, with a visible focus ring, and Enter opens it.
  const link = row.getByRole("link", { name: rollout.name, exact: true });
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await link.evaluate((element) => element === document.activeElement);
  }
  expect(reached).toBe(true);
  expect(await link.evaluate((element) => getComputedStyle(element).outlineStyle)).not.toBe("none");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/rollouts/${rollout.id}`));
});

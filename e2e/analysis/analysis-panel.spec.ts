import { expect, test } from "../auth/signed-in";
import { createRolloutOnNewVirtualService } from "../fixtures/api";

/**
 * The release captain opens a canary that Aviary analyses: the page says what mode it is in and
 * what the loop would do, each gate's latest verdict with its reason (here: no traffic, so
 * inconclusive, never a pass), and a strip of recent evaluations; an admin switching the mode
 * while it runs is reflected without a reload. The app's own analysis loop (one leader) does the
 * evaluating; nothing is seeded into the evaluations table.
 */
test("a running canary's analysis: mode, verdicts with reasons, and a mode change while it runs", async ({ page, request }) => {
  const { rollout } = await createRolloutOnNewVirtualService(request, [10, 100], {
    analysis: { mode: "observe" },
    // Workloads that serve nothing: every gate must say so rather than pass.
    metrics: { stableWorkload: "quiet-v1", canaryWorkload: "quiet-v2" },
  });
  expect((await request.post(`/api/rollouts/${rollout.id}/actions`, { data: { action: "start" } })).status()).toBe(200);

  await page.goto(`/rollouts/${rollout.id}`);
  const panel = page.getByRole("region", { name: "Automated analysis" });
  await expect(panel).toContainText("observe: verdicts are shown, never acted on");
  const errorRate = panel.getByRole("row", { name: /^errorRate/ });
  await expect(errorRate).toContainText("Inconclusive", { timeout: 20_000 });
  await expect(errorRate).toContainText("no canary data in the last 20 s");
  await expect(panel.getByRole("img", { name: /^errorRate: \d+ evaluations shown, 0 passed, 0 failed, \d+ inconclusive$/ })).toBeVisible();
  await expect(panel.getByRole("status")).toContainText("Now:");

  const current = (await (await request.get(`/api/rollouts/${rollout.id}`)).json()) as { revision: number };
  const patched = await request.patch(`/api/rollouts/${rollout.id}`, { data: { analysis: { mode: "rollback" }, expectedRevision: current.revision } });
  expect(patched.status()).toBe(200);
  await expect(panel).toContainText("rollback: Aviary rolls back on a failing gate; people promote", { timeout: 10_000 });
  // Inconclusive never acts: the canary keeps its weight.
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Progressing");
});

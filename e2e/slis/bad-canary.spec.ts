import { expect, test } from "../auth/signed-in";
import { liveWeights } from "../fixtures/stack";

/**
 * The 3 a.m. rollback, on the live stack: an erroring canary must be obvious at a glance. The
 * sandbox mesh sends real simulated traffic through the
 * demo's payments VirtualService (its canary workload answers 5% 5xx), Prometheus scrapes it, and
 * the detail page shows the canary above its objective; after a rollback the observed split drops
 * to zero as Prometheus' rate window empties.
 */
test("a bad canary shows above its error-rate objective within a minute, and its observed split falls to 0 after rollback", async ({ page, request }) => {
  test.setTimeout(240_000);
  const created = await request.post("/api/rollouts", {
    data: {
      name: `payments-e2e-${Date.now().toString(36)}`,
      namespace: "payments",
      virtualService: "payments",
      route: "api",
      stable: { host: "payments.payments.svc.cluster.local", subset: "v1" },
      canary: { host: "payments.payments.svc.cluster.local", subset: "v2" },
      steps: [{ weight: 25 }, { weight: 100 }],
      metrics: { stableWorkload: "payments-v1", canaryWorkload: "payments-v2" },
      slo: { availability: 99.95, latencyP95Ms: 400 },
    },
  });
  expect(created.status()).toBe(201);
  const rollout = (await created.json()) as { id: string };
  expect((await request.post(`/api/rollouts/${rollout.id}/actions`, { data: { action: "start" } })).status()).toBe(200);
  const canaryWeight = async () =>
    (await liveWeights({ namespace: "payments", virtualService: "payments", route: "api" })).find((w) => w.subset === "v2")?.weight;
  expect(await canaryWeight()).toBe(25);

  await page.goto(`/rollouts/${rollout.id}?window=15m`);
  const errorPanel = page.getByRole("region", { name: "Error rate (5xx)" });
  await expect(errorPanel.getByLabel("above objective")).toBeVisible({ timeout: 60_000 });
  // Far above the 0.05% objective, not at its edge: at least 1% (the rate settles near 5% as scrapes accumulate).
  await expect(errorPanel).toContainText(/▲ ([1-9]|[1-9]\d)(\.\d+)?\s?% canary vs/, { timeout: 60_000 });

  // The values under the pointer (a time with its zone), and by keyboard: End jumps to the latest moment.
  await errorPanel.scrollIntoViewIfNeeded();
  const readout = errorPanel.getByRole("group", { name: /Values over time/ }).first();
  const box = (await readout.boundingBox())!;
  await readout.hover({ position: { x: box.width * 0.9, y: box.height / 2 } });
  const values = errorPanel.getByRole("status").filter({ hasText: "Canary" });
  await expect(values).toContainText(/\d{1,2}:\d{2}:\d{2}.*(UTC|GMT|CET|[A-Z]{3,4})/);
  await page.mouse.move(0, 0);
  await expect(values).toBeHidden();
  await readout.focus();
  await page.keyboard.press("End");
  await expect(values).toContainText(/Canary\s*[\d.]+\s?%/);
  await page.keyboard.press("ArrowLeft");
  await expect(values).toContainText("Stable");
  await page.keyboard.press("Escape");
  await expect(values).toBeHidden();

  const split = page.getByRole("region", { name: "Traffic split" });
  // The chart's last point is the last whole step, so on a fresh stack the observed share climbs
  // towards 25% for up to a minute as Prometheus' rate window fills.
  await expect(split).toContainText(/observed [1-3]\d(\.\d+)?\s?% canary/, { timeout: 60_000 });

  await page.getByRole("group", { name: "Rollout actions" }).getByRole("button", { name: "Roll back" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/Reason/).fill("canary 5xx above objective");
  await dialog.getByRole("button", { name: "Roll back now" }).click();
  await expect(dialog).toBeHidden();
  expect(await canaryWeight()).toBe(0);
  await expect(split).toContainText(/set 0% · observed 0(\.0+)?\s?% canary/, { timeout: 150_000 });
});

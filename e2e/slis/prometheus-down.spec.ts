import { expect, test } from "../auth/signed-in";
import { freezePrometheus } from "../fixtures/stack";

/**
 * "Prometheus unreachable" is its own visible state: the charts stay on screen marked stale
 * instead of going blank, and they come back by themselves when Prometheus answers again.
 */
test("when Prometheus stops answering, the charts stay, marked stale, and resume when it is back", async ({ page, request }) => {
  test.setTimeout(120_000);
  const created = await request.post("/api/rollouts", {
    data: {
      name: `checkout-e2e-${Date.now().toString(36)}`,
      namespace: "shop",
      virtualService: "checkout",
      route: "primary",
      stable: { host: "checkout.shop.svc.cluster.local", subset: "stable" },
      canary: { host: "checkout.shop.svc.cluster.local", subset: "canary" },
      steps: [{ weight: 20 }, { weight: 100 }],
      metrics: { stableWorkload: "checkout-v1", canaryWorkload: "checkout-v2" },
      slo: { availability: 99.9, latencyP95Ms: 250 },
    },
  });
  expect(created.status()).toBe(201);
  const rollout = (await created.json()) as { id: string };

  await page.goto(`/rollouts/${rollout.id}?window=15m`);
  const requestRate = page.getByRole("region", { name: "Request rate" });
  await expect(requestRate).toContainText(/req\/s/, { timeout: 30_000 });

  const prometheus = await freezePrometheus();
  try {
    const banner = page.getByRole("alert").filter({ hasText: "Prometheus unreachable" });
    await expect(banner).toBeVisible({ timeout: 30_000 });
    await expect(banner).toContainText("stale");
    await expect(requestRate).toContainText(/req\/s/); // the last data is still there
  } finally {
    prometheus.resume();
  }
  await expect(page.getByRole("alert").filter({ hasText: "Prometheus unreachable" })).toBeHidden({ timeout: 30_000 });
  await expect(requestRate).toContainText(/req\/s/);
});

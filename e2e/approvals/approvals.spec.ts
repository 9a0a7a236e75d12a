import { expect, test } from "../auth/signed-in";
import { createRolloutOnNewVirtualService } from "../fixtures/api";

/**
 * The release captain's approvals: promotion is disabled, saying why, until the checklist is
 * ticked and the HTTP check has passed; then it goes through the usual confirmation. The check
 * asks the app's own health endpoint, so the spec needs no other service.
 */
test("tick the checklist, run the checks, then promote", async ({ page, request, baseURL }) => {
  const { rollout } = await createRolloutOnNewVirtualService(request, [10, 50, 100], {
    approvals: {
      checks: [{ name: "healthz", url: new URL("/api/healthz", baseURL).toString() }],
      checklist: [{ id: "notes", text: "Release notes published" }],
    },
  });
  expect((await request.post(`/api/rollouts/${rollout.id}/actions`, { data: { action: "start" } })).status()).toBe(200);

  await page.goto(`/rollouts/${rollout.id}`);
  const promote = page.getByRole("button", { name: "Promote to 50%" });
  await expect(promote).toBeDisabled();
  await expect(page.getByText(/^Promotion waits: waiting for approval: 0 of 1 checklist item ticked/)).toBeVisible();

  const panel = page.getByRole("region", { name: "Approvals" });
  await panel.getByRole("checkbox", { name: "Release notes published" }).check();
  await expect(panel).toContainText("ticked by dana@demo.aviary.invalid");
  await expect(panel.getByRole("listitem").filter({ hasText: "expects 200" })).toContainText("not run");

  await panel.getByRole("button", { name: "Run checks" }).click();
  await expect(panel.getByRole("listitem").filter({ hasText: "expects 200" })).toContainText("passing");
  await expect(panel).toContainText("Every approval holds");

  await expect(promote).toBeEnabled();
  await promote.click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: /promote/i }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(async () => ((await (await request.get(`/api/rollouts/${rollout.id}`)).json()) as { canaryWeight: number }).canaryWeight).toBe(50);
});

import { request as playwrightRequest, type Page } from "@playwright/test";
import { expect, signInAsDemoUser, test } from "../auth/signed-in";
import { createRolloutOnNewVirtualService } from "../fixtures/api";
import { liveWeights, setLiveWeights } from "../fixtures/stack";

/**
 * The SRE's rollback at 3 a.m., the release captain promoting step by step while a teammate acts
 * from another browser, and a VirtualService edited by hand (drift, adopt), against the sandbox
 * cluster: every click goes through the real Kubernetes client to the sandbox API, and the
 * assertions read the VirtualService back from it.
 */

const seedTarget = createRolloutOnNewVirtualService;

const canaryOf = async (ref: Parameters<typeof liveWeights>[0]) => (await liveWeights(ref)).find((entry) => entry.subset === "canary")?.weight;

async function confirmAction(page: Page, button: string | RegExp, { weights, reason }: { weights?: [string, string]; reason?: string }) {
  await page.getByRole("group", { name: "Rollout actions" }).getByRole("button", { name: button }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  if (weights) {
    await expect(dialog).toContainText(weights[0]);
    await expect(dialog).toContainText(weights[1]);
  }
  if (reason) await dialog.getByLabel(/Reason/).fill(reason);
  await dialog.getByRole("button", { name: /Start rollout|Promote|Roll back now|Pause|Resume|Adopt/ }).click();
  await expect(dialog).toBeHidden();
}

test("start, promote twice, roll back: the confirmation shows the weights and the cluster follows", async ({ page, request }) => {
  const { rollout, ref } = await seedTarget(request, [10, 40, 70, 100]);
  await page.goto(`/rollouts/${rollout.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Draft");

  await confirmAction(page, "Start", { weights: ["canary 0% → 10%", "stable 100% → 90%"] });
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Progressing");
  await expect.poll(() => canaryOf(ref)).toBe(10);

  await confirmAction(page, "Promote to 40%", { weights: ["canary 10% → 40%", "stable 90% → 60%"] });
  await expect.poll(() => canaryOf(ref)).toBe(40);
  await confirmAction(page, "Promote to 70%", { weights: ["canary 40% → 70%", "stable 60% → 30%"] });
  await expect.poll(() => canaryOf(ref)).toBe(70);
  await expect(page.getByText("Cluster now").locator("..")).toContainText("70% canary");

  // Rollback needs a reason: the dialog refuses to send without one.
  await page.getByRole("group", { name: "Rollout actions" }).getByRole("button", { name: "Roll back" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("canary 70% → 0%");
  await expect(dialog).toContainText("stable 30% → 100%");
  await dialog.getByRole("button", { name: "Roll back now" }).click();
  await expect(dialog.getByText("A reason is required")).toBeVisible();
  expect(await canaryOf(ref)).toBe(70);
  await dialog.getByLabel(/Reason/).fill("canary 5xx above SLO");
  await dialog.getByRole("button", { name: "Roll back now" }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByRole("heading", { level: 1 })).toContainText("Rolled back");
  await expect.poll(() => canaryOf(ref)).toBe(0);
  await expect(page.getByText("Cluster now").locator("..")).toContainText("0% canary");
  const activity = page.getByRole("region", { name: "Recent activity" });
  await expect(activity.getByRole("listitem").first()).toContainText("rollback");
  await expect(activity.getByRole("listitem").first()).toContainText("canary 70% → 0%");
  await expect(activity.getByRole("listitem").first()).toContainText("canary 5xx above SLO");
});

test("a hand edit of the weights is shown as drift, blocks promotion, and can be adopted", async ({ page, request }) => {
  const { rollout, ref } = await seedTarget(request, [10, 50, 100]);
  await page.goto(`/rollouts/${rollout.id}`);
  await confirmAction(page, "Start", {});
  await expect.poll(() => canaryOf(ref)).toBe(10);

  await setLiveWeights({ ...ref, weights: [70, 30] });
  const banner = page.getByRole("alert").filter({ hasText: "Someone changed the weights outside Aviary" });
  await expect(banner).toContainText("sends 30% to the canary");
  await expect(banner).toContainText("Aviary set 10%");
  await expect(page.getByRole("button", { name: "Promote to 50%" })).toBeDisabled();

  await banner.getByRole("button", { name: /Adopt live weights/ }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("canary 10% → 30%");
  await dialog.getByRole("button", { name: "Adopt live weights" }).click();
  await expect(banner).toBeHidden();
  await expect(page.getByRole("button", { name: "Promote to 50%" })).toBeEnabled();
  expect(await canaryOf(ref)).toBe(30); // adopting never writes to the cluster
});

test("an action taken elsewhere shows on an open page within a second or two", async ({ page, request }) => {
  const { rollout } = await seedTarget(request, [10, 50, 100]);
  await page.goto(`/rollouts/${rollout.id}`);
  await confirmAction(page, "Start", {});
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Progressing");
  // A teammate pauses it from another client.
  const response = await request.post(`/api/rollouts/${rollout.id}/actions`, { data: { action: "pause", reason: "checking a latency blip" } });
  expect(response.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Paused", { timeout: 2_500 });
  await expect(page.getByText(/Paused by .* — “checking a latency blip”/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Promote to 50%" })).toBeDisabled();
});

test("rollback is one click away on the overview", async ({ page, request }) => {
  const { rollout, ref } = await seedTarget(request, [20, 100]);
  const started = await request.post(`/api/rollouts/${rollout.id}/actions`, { data: { action: "start" } });
  expect(started.status()).toBe(200);
  await page.goto("/");
  const row = page.getByRole("row").filter({ hasText: rollout.name });
  await row.getByRole("button", { name: `Roll back ${rollout.name}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("canary 20% → 0%");
  await dialog.getByLabel(/Reason/).fill("error budget burn");
  await dialog.getByRole("button", { name: "Roll back now" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText("Rolled back");
  await expect.poll(() => canaryOf(ref)).toBe(0);
});

test.describe("as a viewer", () => {
  test.use({ demoRole: "viewer" });

  test("the actions are visible but disabled, with the reason, and the API refuses them", async ({ page, request }) => {
    const { rollout, ref } = await seedTargetAsAdmin([10, 100]);
    await page.goto(`/rollouts/${rollout.id}`);
    const start = page.getByRole("group", { name: "Rollout actions" }).getByRole("button", { name: "Start" });
    await expect(start).toBeDisabled();
    await expect(page.getByText("Your role is viewer; operators can start, promote, pause or roll back.")).toBeVisible();
    const refused = await request.post(`/api/rollouts/${rollout.id}/actions`, { data: { action: "start" } });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("operator");
    expect(await canaryOf(ref)).toBe(0);
  });
});

/** A viewer cannot create rollouts, so seeding signs in separately as an admin. */
async function seedTargetAsAdmin(steps: number[]) {
  const admin = await playwrightRequest.newContext({ baseURL: test.info().project.use.baseURL });
  await signInAsDemoUser(admin, { role: "admin" });
  try {
    return await seedTarget(admin, steps);
  } finally {
    await admin.dispose();
  }
}

// Whatever the clicks above did, in whatever order, the audit log is still one unbroken chain.
test.afterAll(async ({ baseURL }) => {
  const admin = await playwrightRequest.newContext({ baseURL });
  try {
    await signInAsDemoUser(admin, { role: "admin" });
    const integrity = await admin.get("/api/audit-events/integrity");
    expect(integrity.status()).toBe(200);
    expect(await integrity.json()).toMatchObject({ ok: true });
  } finally {
    await admin.dispose();
  }
});

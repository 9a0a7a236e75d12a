import type { Page } from "@playwright/test";
import { expect, test } from "../auth/signed-in";
import { createRolloutViaApi, uniqueName } from "../fixtures/api";

async function fillValidForm(page: Page, name: string) {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Namespace").fill("shop");
  await page.getByLabel("VirtualService").fill("checkout");
  await page.getByLabel("HTTP route name").fill("primary");
  const stable = page.getByRole("group", { name: "stable destination" });
  await stable.getByLabel("Stable host").fill("checkout.shop.svc.cluster.local");
  const canary = page.getByRole("group", { name: "canary destination" });
  await canary.getByLabel("Canary host").fill("checkout.shop.svc.cluster.local");
  await page.getByLabel("Stable workload").fill("checkout-v1");
  await page.getByLabel("Canary workload").fill("checkout-v2");
}

test("create a rollout through the form, find it on the overview, open it", async ({ page }) => {
  const name = uniqueName("checkout");
  await page.goto("/rollouts/new");
  await fillValidForm(page, name);
  await page.getByRole("button", { name: "Create rollout" }).click();

  await expect(page).toHaveURL(/\/rollouts\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Draft");
  await expect(page.getByRole("list", { name: "Steps" }).getByRole("listitem")).toHaveText([/5%.*soak 5 min/, /25%/, /50%/, /100%/]);

  await page.getByRole("link", { name: "Rollouts", exact: true }).first().click();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("shop/checkout");
  await expect(row).toContainText("Draft");
  await expect(row).toContainText("0% canary");
  await row.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await expect(page.getByText("checkout-v1 → checkout-v2")).toBeVisible();
});

test("a bad form shows each error next to its field and stays on the form", async ({ page }) => {
  await page.goto("/rollouts/new");
  await fillValidForm(page, "Bad Name!");
  await page.getByLabel("Step 2 weight (%)").fill("3");
  await page.getByLabel("Availability objective (%)").fill("100");
  await page.getByRole("button", { name: "Create rollout" }).click();

  const name = page.getByLabel("Name", { exact: true });
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toBeFocused();
  await expect(page.locator(".field", { has: name })).toContainText("DNS-1123 label");
  const step2 = page.getByLabel("Step 2 weight (%)");
  await expect(page.locator(".field", { has: step2 })).toContainText("strictly increasing: 3% comes after 5%");
  await expect(page.locator(".field", { has: page.getByLabel("Availability objective (%)") })).toContainText("below 100%");
  await expect(page.getByRole("alert").filter({ hasText: "need attention" })).toContainText("3 fields need attention");
  await expect(page).toHaveURL(/\/rollouts\/new$/);
});

test("the server's verdict lands next to the field too (duplicate name)", async ({ page, request }) => {
  const existing = await createRolloutViaApi(request);
  await page.goto("/rollouts/new");
  await fillValidForm(page, existing.name);
  await page.getByRole("button", { name: "Create rollout" }).click();
  const name = page.getByLabel("Name", { exact: true });
  await expect(page.locator(".field", { has: name })).toContainText("already exists");
});

test("edit a draft, archive it, and find it again under 'Show archived'", async ({ page, request }) => {
  const rollout = await createRolloutViaApi(request);
  await page.goto(`/rollouts/${rollout.id}`);
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Step 2 weight (%)").fill("40");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`/rollouts/${rollout.id}$`));
  await expect(page.getByRole("list", { name: "Steps" })).toContainText("40%");
  await expect(page.getByText("revision 2")).toBeVisible();

  await page.getByRole("button", { name: "Archive" }).click();
  const dialog = page.getByRole("dialog", { name: `Archive ${rollout.name}?` });
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await dialog.getByRole("button", { name: "Archive rollout" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("row").filter({ hasText: rollout.name })).toHaveCount(0);
  await page.getByRole("link", { name: "Show archived" }).click();
  await expect(page.getByRole("row").filter({ hasText: rollout.name })).toContainText("Archived");
});

test("an unknown rollout id shows a not-found page", async ({ page }) => {
  const response = await page.goto("/rollouts/00000000-0000-4000-8000-000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});

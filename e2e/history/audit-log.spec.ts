import { readFile } from "node:fs/promises";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createRolloutViaApi, uniqueName } from "../fixtures/api";

/**
 * The auditor's moment: filter the audit log, share the URL (reload shows the same view, back
 * goes to the previous filter), download the filtered view as CSV, open a rollout's timeline.
 * Data is seeded through the API in a namespace of its own, so counts are exact.
 */

async function signIn(request: APIRequestContext) {
  // Demo mode (the browser tests' default): any demo user, any role. Other modes need no step here.
  await request.post("/api/auth/demo", { form: { user: "demo-dana", role: "admin" }, maxRedirects: 0 });
}

test("filter the audit log through the URL, reload, go back, export CSV, open the timeline", async ({ page }) => {
  await signIn(page.request);
  const namespace = uniqueName("audit");
  const first = await createRolloutViaApi(page.request, { name: uniqueName("ledger"), namespace });
  const second = await createRolloutViaApi(page.request, { name: uniqueName("ledger"), namespace });
  // No VirtualService exists for these in the sandbox: the start fails or is refused, and is audited either way, with its reason.
  await page.request.post(`/api/rollouts/${first.id}/actions`, { data: { action: "start", reason: 'audit e2e, "quoted"' } });

  await page.goto("/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  const filters = page.getByRole("search", { name: "Filter the audit log" });
  await filters.getByLabel("Namespace").fill(namespace);
  await filters.getByLabel("Action").selectOption("create");
  await filters.getByRole("button", { name: "Apply filters" }).click();

  await expect(page).toHaveURL(new RegExp(`/audit\\?action=create&namespace=${namespace}$`));
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(3); // header + two create events
  await expect(rows.filter({ hasText: first.name })).toContainText("create");
  await expect(rows.filter({ hasText: second.name })).toContainText("created");

  await page.reload();
  await expect(rows).toHaveCount(3);
  await expect(page.getByRole("search").getByLabel("Namespace")).toHaveValue(namespace);
  await expect(page.getByRole("search").getByLabel("Action")).toHaveValue("create");

  // Narrow by search and outcome-agnostic action; then back to the previous view.
  await page.getByRole("search").getByLabel("Action").selectOption("");
  await page.getByRole("search").getByLabel("Search").fill('e2e, "quoted');
  await page.getByRole("search").getByLabel("Search").press("Enter");
  await expect(page).toHaveURL(/q=e2e/);
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText(first.name);
  await expect(rows.nth(1)).toContainText("start");
  await expect(rows.nth(1)).toContainText('audit e2e, "quoted"');
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/audit\\?action=create&namespace=${namespace}$`));
  await expect(rows).toHaveCount(3);

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^aviary-audit-.+\.csv$/);
  const csv = await readFile((await download.path())!, "utf8");
  const lines = csv.split("\r\n").filter(Boolean);
  expect(lines[0]).toMatch(/^id,at_utc,rollout_id,rollout_name,/);
  expect(lines).toHaveLength(3);
  expect(csv).toContain(first.name);
  expect(csv).toContain(second.name);

  await rows.filter({ hasText: first.name }).getByRole("link", { name: first.name }).click();
  await expect(page).toHaveURL(new RegExp(`/rollouts/${first.id}/timeline\\?window=rollout$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(first.name);
  const events = page.getByRole("region", { name: /^Events/ }).getByRole("listitem");
  await expect(events).toHaveCount(2);
  await expect(events.first()).toContainText("create");
  await expect(events.nth(1)).toContainText('audit e2e, "quoted"');
});

test("a bad filter is named next to its field", async ({ page }) => {
  await signIn(page.request);
  await page.goto("/audit?from=2026-02-30&outcome=maybe");
  await expect(page.getByRole("alert").filter({ hasText: "need fixing" })).toContainText("2 filters need fixing");
  await expect(page.getByRole("search").getByLabel("From")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("search").getByLabel("Outcome")).toHaveAttribute("aria-invalid", "true");
});

test("the history lists rollouts by namespace, archived ones included", async ({ page }) => {
  await signIn(page.request);
  const namespace = uniqueName("hist");
  const kept = await createRolloutViaApi(page.request, { name: uniqueName("kept"), namespace });
  const archived = await createRolloutViaApi(page.request, { name: uniqueName("gone"), namespace });
  expect((await page.request.delete(`/api/rollouts/${archived.id}`)).ok()).toBe(true);

  await page.goto(`/history?namespace=${namespace}`);
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: archived.name })).toContainText("Archived");
  await expect(rows.filter({ hasText: kept.name })).toContainText("Draft");
  await page.getByRole("search").getByLabel("Status").selectOption("archived");
  await page.getByRole("search").getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/status=archived/);
  await expect(rows).toHaveCount(2);
});

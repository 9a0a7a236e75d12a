import { expect, test } from "../auth/signed-in";

/**
 * The platform team's view of outbound requests: the rules in force, and a URL tried against
 * them. The e2e server allows 127.0.0.1/32 (its approvals spec checks the app itself), so that
 * entry shows as the platform team's; everything else is the default.
 */
test.describe("as an admin", () => {
  test("the rules in order, and a cloud metadata URL hidden in IPv6 refused by name, with a link to share", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("heading", { name: "Outbound requests" })).toBeVisible();
    const rules = page.getByRole("table");
    await expect(rules.getByRole("row", { name: /AVIARY_EGRESS_ALLOW/ })).toContainText("127.0.0.1/32");
    await expect(rules.getByRole("row", { name: /Built in: cloud metadata\s+169\.254/ })).toContainText("169.254.169.254/32, fd00:ec2::254/128");

    await page.getByLabel("URL a check or webhook would call").fill("http://[::ffff:169.254.169.254]/latest/meta-data/iam/security-credentials/x");
    await page.getByRole("button", { name: "Check" }).press("Enter");
    await expect(page).toHaveURL(/\/settings\?url=http/);
    await expect(page.getByRole("status", { name: "Result" })).toContainText(
      "refused by the egress policy: cloud metadata (169.254.169.254/32) carried in ::ffff:a9fe:a9fe",
    );

    await page.goto(`/settings?url=${encodeURIComponent("http://localhost:9/hook?token=abc123")}`);
    const result = page.getByRole("status", { name: "Result" });
    await expect(result).toContainText("http://localhost:9/hook?token=…: allowed; a request would connect to 127.0.0.1");
    await expect(result).not.toContainText("abc123");
  });
});

test.describe("as a viewer", () => {
  test.use({ demoRole: "viewer" });
  test("no Settings link, and the page says who may see it", async ({ page }) => {
    await page.goto("/settings");
    await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
    await expect(page.getByText(/admin/)).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toHaveCount(0);
  });
});

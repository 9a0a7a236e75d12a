import type { Page } from "@playwright/test";
import { createRolloutViaApi } from "../fixtures/api";
import { auditEvents, expect, oidcTest as test, signInWithProvider } from "./fixtures";

/**
 * Sign-in with OpenID Connect against a real provider on this machine (e2e/auth/fixtures), roles
 * from the groups claim, enforcement on the API, the audit of refusals, sign-out, and the
 * cross-site guard, all through Chromium.
 */

/** A same-origin fetch from the page, as Aviary's own buttons make it (cookies, Origin, Sec-Fetch-Site). */
async function postFromPage(page: Page, path: string, body: unknown) {
  return page.evaluate(
    async ({ path, body }) => {
      const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
    },
    { path, body },
  );
}

async function openUserMenu(page: Page) {
  const menu = page.getByRole("group", { name: "Account" });
  // A click that lands before the page has hydrated does nothing: click again until the menu opens.
  await expect(async () => {
    if (!(await menu.isVisible())) await page.getByRole("button", { name: /^Account: / }).click();
    await expect(menu).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  return menu;
}

test("anonymous visitors are sent to sign in, and the API answers 401", async ({ page, request }) => {
  await page.goto("/rollouts/new");
  await expect(page).toHaveURL(/\/signin\?returnTo=%2Frollouts%2Fnew$/);
  await expect(page.getByRole("heading", { name: "Sign in to Aviary" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in with Test IdP" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("signin-oidc.png") });

  const api = await request.get("/api/rollouts");
  expect(api.status()).toBe(401);
  expect((await api.json()).error.code).toBe("UNAUTHENTICATED");
  expect((await request.get("/api/healthz")).status()).toBe(200);
});

test("sign in at the identity provider, land where you were going, see your name and role", async ({ page, context, baseURL }) => {
  await signInWithProvider(page, "olu", { from: "/?archived=1" });
  await expect(page).toHaveURL(`${baseURL}/?archived=1`);
  const menuButton = page.getByRole("button", { name: "Account: Olu Operator, operator" });
  await expect(menuButton).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("Olu Operator");
  await page.getByRole("banner").screenshot({ path: test.info().outputPath("header-oidc.png") });

  const menu = await openUserMenu(page);
  await expect(menu).toContainText("olu@idp.test");
  await expect(menu).toContainText("operator: can also start, promote, pause, resume, roll back and adopt");
  await expect(menu).toContainText("single sign-on");

  const [session] = (await context.cookies()).filter((cookie) => cookie.name === "aviary_session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });
  expect(session?.value).not.toContain("olu");
  expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("aviary_login");
});

test("a viewer can look but not act: no admin links, 403 naming the role, and the refusal is audited", async ({ browser, page, oidcApp }) => {
  const adminPage = await browser.newPage();
  await signInWithProvider(adminPage, "ada");
  await expect(adminPage.getByRole("button", { name: "Account: Ada Admin, admin" })).toBeVisible();
  await expect(adminPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New rollout" })).toBeVisible();
  const rollout = await createRolloutViaApi(adminPage.request);
  await adminPage.close();

  await signInWithProvider(page, "vic", { from: `/rollouts/${rollout.id}` });
  await expect(page.getByRole("heading", { level: 1 })).toContainText(rollout.name);
  await expect(page.getByRole("button", { name: "Account: Vic Viewer, viewer" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New rollout" })).toHaveCount(0);
  expect((await page.request.get(`/api/rollouts/${rollout.id}`)).status()).toBe(200);

  const refused = await postFromPage(page, `/api/rollouts/${rollout.id}/actions`, { action: "start" });
  expect(refused.status).toBe(403);
  expect(refused.body.error).toEqual({ code: "FORBIDDEN", message: "this needs the operator role; you are signed in as vic with the viewer role" });
  const created = await postFromPage(page, "/api/rollouts", {});
  expect(created.status).toBe(403);
  expect(created.body.error?.message).toContain("needs the admin role");

  expect(await auditEvents(oidcApp.databaseUrl, "vic")).toEqual([
    expect.objectContaining({ rollout_id: rollout.id, actor_role: "viewer", action: "start", outcome: "refused", error_code: "FORBIDDEN" }),
    expect.objectContaining({ rollout_id: null, actor_role: "viewer", action: "create", outcome: "refused", error_code: "FORBIDDEN" }),
  ]);
});

test("an operator's action gets past the role check", async ({ browser, page }) => {
  const adminPage = await browser.newPage();
  await signInWithProvider(adminPage, "ada");
  await expect(adminPage.getByRole("button", { name: /^Account: Ada Admin/ })).toBeVisible();
  const rollout = await createRolloutViaApi(adminPage.request);
  await adminPage.close();

  await signInWithProvider(page, "olu");
  await expect(page.getByRole("button", { name: /^Account: Olu Operator/ })).toBeVisible();
  // This server has no cluster behind it, so "start" may fail further on; it must not be 401/403.
  const acted = await postFromPage(page, `/api/rollouts/${rollout.id}/actions`, { action: "start" });
  expect([401, 403]).not.toContain(acted.status);
  const paused = await postFromPage(page, `/api/rollouts/${rollout.id}/actions`, { action: "pause" });
  expect(paused.body.error?.code).toBe("INVALID_STATE");
});

test("sign-out clears the session cookie; the API then answers 401", async ({ page, context }) => {
  await signInWithProvider(page, "olu");
  await expect(page.getByRole("button", { name: /^Account: Olu Operator/ })).toBeVisible();
  expect((await page.request.get("/api/rollouts")).status()).toBe(200);

  const menu = await openUserMenu(page);
  await menu.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin\?signedOut=1$/);
  await expect(page.getByRole("status")).toContainText("You are signed out of Aviary.");
  expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("aviary_session");
  expect((await page.request.get("/api/rollouts")).status()).toBe(401);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a user whose groups grant no role is told so and gets no session", async ({ page, context }) => {
  await signInWithProvider(page, "mal");
  await expect(page).toHaveURL(/\/signin\?error=no-role$/);
  await expect(page.getByRole("alert").filter({ hasText: "none of your groups grants a role in Aviary" })).toBeVisible();
  expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("aviary_session");
});

test("a cross-site form posting to an action route is refused with 403", async ({ page, baseURL }) => {
  await signInWithProvider(page, "olu");
  await expect(page.getByRole("button", { name: /^Account: Olu Operator/ })).toBeVisible();
  const target = `${baseURL}/api/rollouts/00000000-0000-4000-8000-000000000000/actions`;
  await page.route("http://attacker.test/**", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<form id="f" method="post" action="${target}" enctype="text/plain"><input name='{"action":"rollback","reason":"x","pad":"' value='"}'></form><script>document.getElementById("f").submit()</script>`,
    }),
  );
  const answered = page.waitForResponse((response) => response.url() === target);
  await page.goto("http://attacker.test/");
  const response = await answered;
  expect(response.status()).toBe(403);
  expect((await response.json()).error.message).toContain("cross-site request refused (Sec-Fetch-Site: cross-site)");
});

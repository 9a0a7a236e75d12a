import { demoTest as test, expect, signInAsDemoUser } from "./fixtures";
import { demoSignIn, type DemoSignIn } from "./signed-in";

/** Demo mode, as `npm run demo` runs it: pick a person and a role; "Demo mode" on every page. */

test("the visitor picks a demo user and a role; Demo mode is labelled on every page", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("region", { name: "Demo mode" })).toContainText("Anyone can sign in as any user and role");
  await expect(page.getByRole("heading", { name: "Sign in to the Aviary demo" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("signin-demo.png"), fullPage: true });

  await page.getByRole("radio", { name: /Omar Haddad/ }).check();
  await expect(page.getByRole("radio", { name: /^operator/ })).toBeChecked();
  await page.getByRole("radio", { name: /^viewer/ }).check();
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("region", { name: "Demo mode" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Account: Omar Haddad, viewer" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("header-demo.png") });
  await page.getByRole("button", { name: /^Account: / }).click();
  await expect(page.getByRole("group", { name: "Account" })).toContainText("demo sign-in");
  await page.screenshot({ path: test.info().outputPath("user-menu-demo.png") });
});

test("specs can sign in through the API, and the role holds on the server", async ({ page }) => {
  await signInAsDemoUser(page.request, { user: "demo-vera", role: "viewer" });
  const session = await (await page.request.get("/api/auth/session")).json();
  expect(session.session).toMatchObject({ mode: "demo", role: "viewer", user: { id: "demo-vera", name: "Vera Lindqvist" } });
  const refused = await page.request.post("/api/rollouts", { data: {} });
  expect(refused.status()).toBe(403);

  await signInAsDemoUser(page.request, { user: "demo-dana", role: "admin" });
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Account: Dana Reyes, admin" })).toBeVisible();
});

test("an unknown demo user is refused with a message", async ({ request }) => {
  const response = await request.post("/api/auth/demo", { form: { user: "root", role: "admin" }, maxRedirects: 0 });
  expect(response.status()).toBe(303);
  expect(response.headers().location).toContain("error=demo-invalid");
  expect((await request.get("/api/rollouts")).status()).toBe(401);
});

const signedIn = test.extend<DemoSignIn>(demoSignIn);

signedIn.describe("the signed-in fixture other specs use", () => {
  signedIn.use({ demoRole: "operator", demoUser: "demo-omar" });

  signedIn("starts page and request signed in, with the chosen role", async ({ page, request }) => {
    await page.goto("/");
    await expect(page.getByRole("button", { name: "Account: Omar Haddad, operator" })).toBeVisible();
    expect((await request.get("/api/rollouts")).status()).toBe(200);
    expect((await request.post("/api/rollouts", { data: {} })).status()).toBe(403);
  });
});

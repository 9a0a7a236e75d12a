import { request as httpRequest } from "node:http";
import type { Page } from "@playwright/test";
import { expect, test } from "../auth/signed-in";
import { createRolloutViaApi } from "../fixtures/api";

/**
 * The browser's side of proxy.ts's Content-Security-Policy: pages hydrate, charts draw and
 * nothing is refused, with scripts allowed by nonce only and no page frameable.
 */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await page.exposeFunction("reportCspViolation", (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      void (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return violations;
}

test("the overview and a rollout's page hydrate and draw their charts with no CSP violation", async ({ page, request }) => {
  test.setTimeout(90_000);
  const violations = await watchCsp(page);
  const rollout = await createRolloutViaApi(request, {
    stable: { host: "checkout.shop.svc.cluster.local", subset: "stable" },
    canary: { host: "checkout.shop.svc.cluster.local", subset: "canary" },
  });

  const overview = await page.goto("/");
  const csp = overview!.headers()["content-security-policy"]!;
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(overview!.headers()["x-frame-options"]).toBe("DENY");
  await expect(page.getByRole("link", { name: rollout.name })).toBeVisible();
  // A client component answering a click is proof of hydration.
  await page.getByRole("button", { name: /^Account: / }).click();
  await expect(page.getByRole("group", { name: "Account" })).toBeVisible();

  await page.goto(`/rollouts/${rollout.id}?window=15m`);
  const requestRate = page.getByRole("region", { name: "Request rate" });
  await expect(requestRate).toContainText(/req\/s/, { timeout: 30_000 });
  // Charts below the fold are drawn as they come near the viewport.
  await requestRate.scrollIntoViewIfNeeded();
  await expect(requestRate.locator("svg.recharts-surface").first()).toBeVisible();
  await page.getByRole("button", { name: /^Account: / }).click();
  await expect(page.getByRole("group", { name: "Account" })).toBeVisible();

  await page.goto("/no-such-page");
  await expect(page.getByRole("heading").first()).toBeVisible();
  expect(violations).toEqual([]);
});

test("pages and API answers refuse framing and sniffing", async ({ request }) => {
  for (const path of ["/", "/api/rollouts", "/api/healthz", "/signin"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    const headers = response.headers();
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("same-origin");
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
  }
  expect((await request.get("/api/rollouts")).headers()["content-security-policy"]).toContain("default-src 'none'");
});

test("a page on another site cannot frame Aviary", async ({ page, baseURL }) => {
  await page.route("http://framer.test/", (route) => route.fulfill({ contentType: "text/html", body: `<iframe src="${baseURL}/signin"></iframe>` }));
  await page.goto("http://framer.test/");
  // Chrome replaces a refused frame (frame-ancestors 'none', X-Frame-Options: DENY) with its error page.
  await expect.poll(() => page.frames().map((frame) => frame.url())).toContain("chrome-error://chromewebdata/");
  await expect(page.frameLocator("iframe").getByRole("button", { name: "Sign in" })).toHaveCount(0);
});

test("the violation watcher itself sees a refused load (so an empty list above means something)", async ({ page }) => {
  const violations = await watchCsp(page);
  await page.goto("/signin");
  await page.evaluate(() => document.body.append(Object.assign(document.createElement("img"), { src: "http://elsewhere.test/pixel.png" })));
  await expect.poll(() => violations.join("\n")).toMatch(/img-src|elsewhere\.test/);
});

test("demo mode answers only to its own host names (DNS rebinding)", async ({ baseURL }) => {
  const url = new URL(baseURL!);
  const status = (host: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: "/api/auth/session", headers: { host } }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
  const rebound = await status("rebound.evil.example");
  expect(rebound.status).toBe(421);
  expect(rebound.body).toContain("DNS rebinding");
  expect((await status(`localhost:${url.port}`)).status).toBe(200);
});

import {
  test as base,
  expect,
  type APIRequestContext,
  type PlaywrightTestArgs,
  type PlaywrightTestOptions,
  type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions,
  type Fixtures,
} from "@playwright/test";
import type { Role } from "../../lib/domain/roles";

/**
 * For specs against the shared e2e server, which runs in demo mode: `page`, `context` and
 * `request` start signed in (through the API, not the UI) as a demo admin.
 *
 *   import { expect, test } from "./signed-in";
 *   test.use({ demoRole: "viewer" });     // to see the app as a viewer
 */
export async function signInAsDemoUser(request: APIRequestContext, { user = "demo-dana", role = "admin" }: { user?: string; role?: Role } = {}) {
  const response = await request.post("/api/auth/demo", { form: { user, role }, maxRedirects: 0 });
  if (response.status() !== 303 || response.headers().location?.includes("error=")) {
    throw new Error(`demo sign-in failed (${response.status()} ${response.headers().location ?? ""}): is the server in demo mode (AVIARY_AUTH_MODE=demo)?`);
  }
}

export type DemoSignIn = { demoRole: Role; demoUser: string };

type Builtins = [PlaywrightTestArgs & PlaywrightTestOptions, PlaywrightWorkerArgs & PlaywrightWorkerOptions];

/** The fixtures, to add to a `test` that has fixtures of its own: `myTest.extend<DemoSignIn>(demoSignIn)`. */
export const demoSignIn: Fixtures<DemoSignIn, object, Builtins[0], Builtins[1]> = {
  demoRole: ["admin", { option: true }],
  demoUser: ["demo-dana", { option: true }],
  context: async ({ context, demoRole, demoUser }, provide) => {
    await signInAsDemoUser(context.request, { user: demoUser, role: demoRole });
    await provide(context);
  },
  request: async ({ request, demoRole, demoUser }, provide) => {
    await signInAsDemoUser(request, { user: demoUser, role: demoRole });
    await provide(request);
  },
};

export const test = base.extend<DemoSignIn>(demoSignIn);
export { expect };

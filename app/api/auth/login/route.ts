import { startOidcLogin } from "@/lib/auth/sign-in-flow";

export const dynamic = "force-dynamic";

/** Starts OpenID Connect sign-in: a redirect to the identity provider. */
export const GET = startOidcLogin;

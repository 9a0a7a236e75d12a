import { startOidcLogin } from "@/lib/auth/sign-in-flow";
import { getDeps } from "@/lib/composition/deps";

/** Starts OpenID Connect sign-in: a redirect to the identity provider. */
export const GET = (request: Request) => startOidcLogin(request, getDeps().auth());

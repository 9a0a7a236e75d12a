import { completeOidcLogin } from "@/lib/auth/sign-in-flow";
import { getDeps } from "@/lib/composition/deps";

/** The redirect URI to register at the identity provider: <AVIARY_PUBLIC_URL>/api/auth/callback. */
export const GET = (request: Request) => completeOidcLogin(request, getDeps().auth());

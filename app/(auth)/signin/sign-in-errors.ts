import type { AuthConfig } from "@/lib/auth/config";

/** The sign-in flow ends here with ?error=<code>; the details are in the server log. */
export function signInError(code: string, config: AuthConfig): string {
  const provider = config.mode === "oidc" ? config.providerName : "the identity provider";
  switch (code) {
    case "no-role":
      return "You are signed in, but none of your groups grants a role in Aviary. Ask an Aviary admin to map one of your groups to a role (AVIARY_ROLE_GROUPS).";
    case "login-expired":
      return "That sign-in took too long or was started in another window. Please start again.";
    case "access-denied":
      return `${provider} did not let you sign in to Aviary.`;
    case "provider-unreachable":
      return `Aviary could not reach ${provider}. Try again in a moment; if it persists, the server log says why.`;
    case "demo-invalid":
      return "Pick one of the demo users and a role.";
    default:
      return `The answer from ${provider} could not be verified, so you are not signed in. Please try again; the server log has the details.`;
  }
}

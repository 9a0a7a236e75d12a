import * as client from "openid-client";
import type { OidcConfig } from "./config";
import type { LoginTransaction, SessionUser } from "./session-cookie";

/**
 * OpenID Connect sign-in through openid-client: discovery, the authorization code flow with PKCE
 * (S256), state and nonce, then the ID token's claims, completed from the userinfo endpoint when
 * the provider keeps the groups, name or email there.
 */

const configurations = new Map<string, client.Configuration>();

export async function oidcClient(config: OidcConfig): Promise<client.Configuration> {
  const key = [config.issuer.href, config.clientId, config.clientSecret ?? ""].join("\0");
  const cached = configurations.get(key);
  if (cached) return cached;
  const discovered = await client.discovery(
    config.issuer,
    config.clientId,
    config.clientSecret ?? undefined,
    // The spec's default; a public client (no secret) relies on PKCE alone.
    config.clientSecret ? client.ClientSecretBasic(config.clientSecret) : client.None(),
    // Plain http is only accepted for a provider on this machine (checked in config.ts).
    { execute: config.issuer.protocol === "http:" ? [client.allowInsecureRequests] : [], timeout: 10 },
  );
  configurations.set(key, discovered);
  return discovered;
}

export function redirectUri(config: OidcConfig): string {
  return new URL("/api/auth/callback", config.publicUrl).href;
}

export async function beginLogin(config: OidcConfig, returnTo: string): Promise<{ url: URL; transaction: LoginTransaction }> {
  const oidc = await oidcClient(config);
  const transaction = { codeVerifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce(), returnTo };
  const url = client.buildAuthorizationUrl(oidc, {
    redirect_uri: redirectUri(config),
    scope: config.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
    code_challenge_method: "S256",
    state: transaction.state,
    nonce: transaction.nonce,
  });
  return { url, transaction };
}

export type SignedInUser = { user: SessionUser; groups: string[] };

/** Exchanges the code; throws (openid-client's errors) on any mismatch of state, nonce, issuer or signature. */
export async function finishLogin(config: OidcConfig, callbackUrl: URL, transaction: LoginTransaction): Promise<SignedInUser> {
  const oidc = await oidcClient(config);
  // The redirect URI as registered, with the provider's answer: behind a proxy request.url may be an internal address.
  const current = new URL(redirectUri(config));
  current.search = callbackUrl.search;
  const tokens = await client.authorizationCodeGrant(oidc, current, {
    pkceCodeVerifier: transaction.codeVerifier,
    expectedState: transaction.state,
    expectedNonce: transaction.nonce,
  });
  const idClaims = tokens.claims();
  if (!idClaims) throw new Error("the identity provider returned no ID token");
  let claims: Record<string, unknown> = idClaims;
  if (claimAt(claims, config.groupsClaim) === undefined || !claims.email || !(claims.name || claims.preferred_username)) {
    const info = await client.fetchUserInfo(oidc, tokens.access_token, idClaims.sub);
    claims = { ...info, ...idClaims };
  }
  return userFromClaims(claims, config.groupsClaim);
}

export function userFromClaims(claims: Record<string, unknown>, groupsClaim: string): SignedInUser {
  const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim().slice(0, 256) : null);
  const id = text(claims.sub);
  if (!id) throw new Error("the ID token has no subject (sub)");
  const email = text(claims.email);
  const name = text(claims.name) ?? text(claims.preferred_username) ?? email ?? id;
  return { user: { id, name, email }, groups: groupsFrom(claimAt(claims, groupsClaim)) };
}

/** "groups", a namespaced claim ("https://example.com/groups"), or a dotted path ("realm_access.roles"). */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  return path.split(".").reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), claims);
}

function groupsFrom(value: unknown): string[] {
  if (typeof value === "string")
    return value
      .split(",")
      .map((group) => group.trim())
      .filter(Boolean);
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === "string" && group.length > 0);
  return [];
}

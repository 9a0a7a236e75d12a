import type { Metadata } from "next";
import { redirect } from "next/navigation";
import styles from "@/components/auth/auth.module.css";
import type { AuthConfig } from "@/lib/auth/config";
import { DEMO_USERS } from "@/lib/auth/demo-users";
import { currentIdentity } from "@/lib/auth/session";
import { safeReturnTo } from "@/lib/auth/session-response";
import { getDeps } from "@/lib/composition/deps";
import { DemoSignInForm } from "./demo-sign-in-form";
import { signInError } from "./sign-in-errors";

export const metadata: Metadata = { title: "Sign in" };

type Search = { returnTo?: string; error?: string; signedOut?: string };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Search> }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(params.returnTo);
  const config = getDeps().auth();
  const identity = await currentIdentity(config);
  if (config.mode === "none" || (identity.status === "signed-in" && !params.error)) redirect(returnTo);
  const error = params.error ? signInError(params.error, config) : null;
  return (
    <>
      <h1>{config.mode === "demo" ? "Sign in to the Aviary demo" : "Sign in to Aviary"}</h1>
      {params.signedOut ? (
        <p className={`${styles.notice} ${styles.info}`} role="status">
          You are signed out of Aviary.
          {config.mode === "oidc" ? " Your identity provider may still remember you; sign out there too on a shared computer." : ""}
        </p>
      ) : null}
      {error ? (
        <p className={`${styles.notice} ${styles.error}`} role="alert">
          {error}
        </p>
      ) : null}
      <SignInBody config={config} returnTo={returnTo} errorCode={params.error} />
    </>
  );
}

function SignInBody({ config, returnTo, errorCode }: { config: AuthConfig; returnTo: string; errorCode?: string }) {
  switch (config.mode) {
    case "oidc":
      return (
        <>
          <p className={styles.lead}>Aviary drives production traffic, so it needs to know who you are. Your role comes from your groups.</p>
          <a className={`button button-primary ${styles.wide}`} href={`/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`}>
            Sign in with {config.providerName}
          </a>
        </>
      );
    case "demo":
      return (
        <>
          <p className={styles.lead}>Pick someone to be. Each role sees the same rollouts; operators and admins can also act on them.</p>
          <DemoSignInForm users={DEMO_USERS} returnTo={returnTo} />
        </>
      );
    case "proxy":
      // Signed in through the proxy but without a role: the alert above says what to do.
      if (errorCode === "no-role") return null;
      return (
        <p className={styles.lead}>
          Aviary is meant to be reached through your organisation&apos;s sign-in proxy, which tells it who you are. This request did not come through it, so
          Aviary does not know you. Open Aviary through its usual address, or ask the team that runs it.
        </p>
      );
    case "none":
      return null;
  }
}

import type { Metadata } from "next";
import { requirePageRole } from "@/lib/auth/session";
import { getDeps } from "@/lib/composition/deps";
import { getEgressSettings, tryEgress } from "@/lib/server/get-egress-settings";
import { EgressSettingsView } from "./egress-settings-view";

export const metadata: Metadata = { title: "Settings: outbound requests" };

/** Admin page: the egress policy in force, and a URL tried against it (?url=, so a link can be shared). */
export default async function SettingsPage({ searchParams }: { searchParams: Promise<{ url?: string | string[] }> }) {
  const deps = getDeps();
  const { allowed, reason } = await requirePageRole({ config: deps.auth(), need: "admin", returnTo: "/settings" });
  if (!allowed) {
    return (
      <>
        <h1>Settings</h1>
        <p className="banner banner-warn">{reason}</p>
      </>
    );
  }
  const { url } = await searchParams;
  const asked = typeof url === "string" ? url.slice(0, 2048) : "";
  return <EgressSettingsView settings={getEgressSettings(deps)} asked={asked} trial={await tryEgress(deps, { url: asked })} />;
}

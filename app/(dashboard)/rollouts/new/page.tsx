import type { Metadata } from "next";
import { requirePageRole } from "@/lib/auth/session";
import { getDeps } from "@/lib/composition/deps";
import { RolloutForm } from "../rollout-form";
import { EMPTY_FORM } from "../form-values";

export const metadata: Metadata = { title: "New rollout" };

export default async function NewRolloutPage() {
  const { allowed, reason } = await requirePageRole({ config: getDeps().auth(), need: "admin", returnTo: "/rollouts/new" });
  return (
    <>
      <div className="page-header">
        <div>
          <h1>New rollout</h1>
          <p className="muted">Describe which VirtualService route Aviary drives and how the canary grows. It starts as a draft.</p>
        </div>
      </div>
      {allowed ? (
        <RolloutForm initial={EMPTY_FORM} mode={{ kind: "create" }} />
      ) : (
        <p className="banner banner-warn">{reason} Ask an admin to create the rollout.</p>
      )}
    </>
  );
}

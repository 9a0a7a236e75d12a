import type { Metadata } from "next";
import { RolloutForm } from "../rollout-form";
import { EMPTY_FORM } from "../form-values";

export const metadata: Metadata = { title: "New rollout" };

export default function NewRolloutPage() {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>New rollout</h1>
          <p className="muted">Describe which VirtualService route Aviary drives and how the canary grows. It starts as a draft.</p>
        </div>
      </div>
      <RolloutForm initial={EMPTY_FORM} mode={{ kind: "create" }} />
    </>
  );
}

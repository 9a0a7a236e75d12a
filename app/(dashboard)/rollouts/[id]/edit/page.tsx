import type { Metadata } from "next";
import Link from "next/link";
import { DatabaseDown } from "@/components/ui/database-down";
import { requirePageRole } from "@/lib/auth/session";
import { canEdit } from "@/lib/domain/rollout-lifecycle";
import { getDeps } from "@/lib/composition/deps";
import { definitionOf } from "@/lib/server/definition-of";
import { pageRead, readRolloutForPage } from "../../../page-reads";
import { RolloutForm } from "../../rollout-form";
import { fromDefinition } from "../../form-values";

export const metadata: Metadata = { title: "Edit rollout" };

export default async function EditRolloutPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await requirePageRole({ config: getDeps().auth(), need: "admin", returnTo: `/rollouts/${id}/edit` });
  const read = await pageRead(() => readRolloutForPage(id));
  if (read.down) return <DatabaseDown />;
  const rollout = read.value;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Edit {rollout.name}</h1>
          <p className="muted">Revision {rollout.revision}. Only drafts can be edited.</p>
        </div>
      </div>
      {!access.allowed ? (
        <p className="banner banner-warn">
          {access.reason} <Link href={`/rollouts/${rollout.id}`}>Back to the rollout</Link>
        </p>
      ) : canEdit(rollout.status) ? (
        <RolloutForm initial={fromDefinition(definitionOf(rollout))} mode={{ kind: "edit", id: rollout.id, revision: rollout.revision }} />
      ) : (
        <p className="banner banner-warn">
          This rollout is {rollout.status.replace("_", " ")}; its definition is fixed. <Link href={`/rollouts/${rollout.id}`}>Back to the rollout</Link>
        </p>
      )}
    </>
  );
}

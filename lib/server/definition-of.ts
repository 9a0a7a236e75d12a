import { redactApprovals } from "../domain/approvals/definition";
import { redactNotifications } from "../domain/notifications/definition";
import type { Rollout, RolloutDefinition } from "../domain/rollout";

/** The definition part of a rollout, for edits (webhook URLs in full: edits keep them). */
export function definitionOf(rollout: Rollout): RolloutDefinition {
  const { name, namespace, cluster, virtualService, route, stable, canary, steps, metrics, slo, analysis, notifications, approvals } = rollout;
  return {
    name,
    namespace,
    cluster,
    virtualService,
    ...(route ? { route } : {}),
    stable,
    canary,
    steps,
    metrics,
    slo,
    ...(analysis ? { analysis } : {}),
    ...(notifications ? { notifications } : {}),
    ...(approvals ? { approvals } : {}),
  };
}

/** The definition as the audit log keeps it: webhook URLs are secrets, and check URLs' query values may be, so only their redacted form. */
export function auditedDefinitionOf(rollout: Rollout): RolloutDefinition {
  const definition = definitionOf(rollout);
  return {
    ...definition,
    ...(definition.notifications ? { notifications: redactNotifications(definition.notifications) } : {}),
    ...(definition.approvals ? { approvals: redactApprovals(definition.approvals) } : {}),
  };
}

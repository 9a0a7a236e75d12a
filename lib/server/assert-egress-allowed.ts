import { AppError } from "../app-error";
import { checkEgressProblems } from "../domain/approvals/definition";
import { refusalWithoutResolving, type EgressPolicy } from "../domain/egress/policy";
import { urlsByField } from "../domain/notifications/definition";
import type { RolloutDefinition } from "../domain/rollout";
import { summarize } from "../domain/validation-errors";

/**
 * A definition whose approval checks or notification URLs point where the egress policy refuses
 * by name or literal address (loopback, cloud metadata, an AVIARY_EGRESS_DENY entry) is refused
 * when it is written, naming each field and rule, rather than failing at every run. Names are
 * resolved only when a request goes out: DNS can change between now and then.
 */
export function assertEgressAllowed(definition: Pick<RolloutDefinition, "approvals" | "notifications">, policy: EgressPolicy): void {
  const fields = { ...checkEgressProblems(definition.approvals, policy), ...notificationProblems(definition.notifications, policy) };
  if (Object.keys(fields).length > 0) throw new AppError("VALIDATION", summarize(fields), { fields });
}

function notificationProblems(block: RolloutDefinition["notifications"], policy: EgressPolicy): Record<string, string> {
  const problems: Record<string, string> = {};
  const lists = urlsByField(block);
  for (const [field, urls] of Object.entries(lists))
    urls.forEach((url, index) => {
      const rule = refusalWithoutResolving(policy, url);
      // The URL itself is a secret: the message names the field and the rule only.
      if (rule) problems[`notifications.${field}.${index}`] = `refused by the egress policy: ${rule}`;
    });
  return problems;
}

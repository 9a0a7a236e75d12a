import { AppError } from "../app-error";
import { checkEgressProblems } from "../domain/approvals/definition";
import type { EgressPolicy } from "../domain/egress/policy";
import type { RolloutDefinition } from "../domain/rollout";
import { summarize } from "../domain/validation-errors";

/**
 * A definition whose approval checks point where the egress policy refuses by name or literal
 * address (loopback, cloud metadata, an AVIARY_EGRESS_DENY entry) is refused when it is written,
 * naming each field and rule, rather than failing at every run. Names are resolved only when a
 * check runs: DNS can change between now and then.
 */
export function assertEgressAllowed(definition: Pick<RolloutDefinition, "approvals">, policy: EgressPolicy): void {
  const fields = checkEgressProblems(definition.approvals, policy);
  if (Object.keys(fields).length > 0) throw new AppError("VALIDATION", summarize(fields), { fields });
}

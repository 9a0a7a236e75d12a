import { z } from "zod";
import { refusalWithoutResolving, type EgressPolicy } from "../egress/policy";
import { REDACTED, shownUrl } from "../redact-url";
import { shortText, typed } from "../safe-text";

/**
 * The optional `approvals` block of a rollout: HTTP checks Aviary runs and checklist items a person
 * ticks, all of which must hold before any promotion (promote, promote_full; by a person or by
 * analysis). Rollback, pause and resume never wait for them.
 *
 * Checks make Aviary's server send GET requests to the URLs given here, so only those who may
 * define rollouts (admins, `rollouts.define`) can set them. Where they may point is the egress
 * policy's decision when the check runs (lib/domain/egress/policy.ts: loopback, link-local, cloud
 * metadata and the rest are refused, whatever the spelling); here only the form is checked, and
 * credentials in URLs are refused. Query values are hidden wherever a check URL is shown.
 */

export const MAX_CHECKS = 10;
export const MAX_CHECKLIST_ITEMS = 20;
export const MAX_CHECK_TIMEOUT_MS = 30_000;

const ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const id = (what: string) =>
  z
    .string(typed(what, "a string"))
    .min(1, { error: `${what} is required` })
    .max(63, { error: `${what} must be at most 63 characters` })
    .regex(ID, { error: `${what} may contain lower-case letters, digits and '-' only, starting and ending with a letter or digit` });

const int = (what: string, min: number, max: number) =>
  z
    .number(typed(what, "a number"))
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

/** Why a check URL is refused, or null. */
export function checkUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "url must be an absolute http or https URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `url must use http or https, not ${url.protocol.replace(":", "")}`;
  if (url.username || url.password) return "url must not contain credentials: they would be shown on the page and in the audit log";
  if (text.includes(REDACTED)) return "url is a redacted URL as Aviary shows it (query values hidden); give the full URL";
  return null;
}

export const approvalCheckSchema = z.strictObject(
  {
    name: id("name"),
    url: z
      .string(typed("url", "a string"))
      .max(2048, { error: "url must be at most 2048 characters" })
      .superRefine((url, ctx) => {
        const problem = checkUrlProblem(url);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    expectStatus: int("expectStatus", 100, 599).default(200),
    timeoutMs: int("timeoutMs", 100, MAX_CHECK_TIMEOUT_MS).default(5000),
  },
  typed("check", "an object {name, url, expectStatus?, timeoutMs?}"),
);

export const checklistItemSchema = z.strictObject(
  {
    id: id("id"),
    text: shortText("text", 200),
    requireDifferentPerson: z.boolean({ error: "requireDifferentPerson must be true or false" }).optional(),
  },
  typed("checklist item", "an object {id, text, requireDifferentPerson?}"),
);

export const approvalsSchema = z
  .strictObject(
    {
      checks: z
        .array(approvalCheckSchema, typed("checks", "a list of {name, url, expectStatus?, timeoutMs?}"))
        .max(MAX_CHECKS, { error: `checks may have at most ${MAX_CHECKS} entries` })
        .default([]),
      checklist: z
        .array(checklistItemSchema, typed("checklist", "a list of {id, text, requireDifferentPerson?}"))
        .max(MAX_CHECKLIST_ITEMS, { error: `checklist may have at most ${MAX_CHECKLIST_ITEMS} entries` })
        .default([]),
    },
    typed("approvals", "an object {checks?, checklist?}"),
  )
  .superRefine((approvals, ctx) => {
    const duplicates = (values: string[], field: "checks" | "checklist", key: "name" | "id") =>
      values.forEach((value, index) => {
        if (values.indexOf(value) !== index) ctx.addIssue({ code: "custom", path: [field, index, key], message: `${key} "${value}" is used twice` });
      });
    duplicates(
      approvals.checks.map((c) => c.name),
      "checks",
      "name",
    );
    duplicates(
      approvals.checklist.map((i) => i.id),
      "checklist",
      "id",
    );
    if (approvals.checks.length === 0 && approvals.checklist.length === 0) {
      ctx.addIssue({ code: "custom", message: "approvals needs at least one check or checklist item (omit the block for none)" });
    }
  });

export type Approvals = z.output<typeof approvalsSchema>;
export type ApprovalsInput = z.input<typeof approvalsSchema>;
export type ApprovalCheck = Approvals["checks"][number];
export type ChecklistItem = Approvals["checklist"][number];

/** The block as it may be shown or audited: each check URL's query values hidden (they often carry a token). */
export function redactApprovals(approvals: Approvals): Approvals {
  return { ...approvals, checks: approvals.checks.map((check) => ({ ...check, url: shownUrl(check.url) })) };
}

/** Check URLs the egress policy refuses by their host alone, by field path (approvals.checks.1.url). */
export function checkEgressProblems(approvals: Approvals | undefined, policy: EgressPolicy): Record<string, string> {
  const problems: Record<string, string> = {};
  (approvals?.checks ?? []).forEach((check, index) => {
    const rule = refusalWithoutResolving(policy, check.url);
    if (rule) problems[`approvals.checks.${index}.url`] = `url is refused by the egress policy: ${rule}`;
  });
  return problems;
}

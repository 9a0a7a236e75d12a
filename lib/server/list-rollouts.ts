import { z } from "zod";
import { AppError } from "../app-error";
import { listRollouts as listRolloutRows } from "../db/rollouts";
import { ROLLOUT_STATUSES, type Rollout } from "../domain/rollout";
import type { Deps } from "../composition/deps";

export const listRolloutsQuerySchema = z.strictObject({
  status: z
    .string()
    .transform((value) => value.split(",").filter(Boolean))
    .pipe(z.array(z.enum(ROLLOUT_STATUSES, { error: `status must be one of ${ROLLOUT_STATUSES.join(", ")}` })))
    .optional(),
  includeArchived: z.enum(["true", "false"], { error: "includeArchived must be true or false" }).optional(),
});

export async function listRollouts({ db }: Deps, { query = {} }: { query?: Record<string, string> } = {}): Promise<Rollout[]> {
  const parsed = listRolloutsQuerySchema.safeParse(query);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0] ?? "query"), issue.message]));
    throw new AppError("VALIDATION", Object.values(fields)[0] ?? "invalid query", { fields });
  }
  const { status, includeArchived } = parsed.data;
  return listRolloutRows(db, { statuses: status, includeArchived: includeArchived === "true" });
}

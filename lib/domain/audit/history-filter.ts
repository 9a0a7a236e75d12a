import { z } from "zod";
import { decodeRolloutCursor, type RolloutCursor } from "./cursor";
import { cleanParams, commonShape, DEFAULT_PAGE_SIZE, list, parseFilterQuery, text } from "./filter-fields";
import { ROLLOUT_STATUSES, type RolloutStatus } from "../rollout";

/**
 * The history's filters (/history, GET /api/history): rollouts, archived ones included.
 *  - namespace, service (VirtualService), status: the rollout's own fields, exact
 *  - actor, from, to: the rollout has at least one audit event by that actor within that range
 *    (both conditions on the same event: "rollouts alice acted on in March")
 *  - q: case-insensitive substring of the rollout's name or of the reason of any of its events
 */
export const HISTORY_PARAMS = ["namespace", "service", "status", "actor", "from", "to", "tz", "q"] as const;

export type HistoryFilter = {
  namespace?: string;
  service?: string;
  statuses?: RolloutStatus[];
  actor?: string;
  from?: Date;
  toExclusive?: Date;
  q?: string;
};

export type HistoryQuery = {
  filter: HistoryFilter;
  cursor: RolloutCursor | null;
  limit: number;
  params: Record<string, string>;
};

const schema = z
  .strictObject({
    ...commonShape,
    namespace: text("namespace", 253),
    service: text("service", 253),
    status: list("status", ROLLOUT_STATUSES),
  })
  .partial();

export function parseHistoryQuery(raw: Record<string, string | string[] | undefined>): HistoryQuery {
  const { data, range, cursor: decoded } = parseFilterQuery(schema, raw, decodeRolloutCursor);
  const { namespace, service, status, actor, q, limit } = data;
  const filter: HistoryFilter = {
    ...(namespace ? { namespace } : {}),
    ...(service ? { service } : {}),
    ...(status?.length ? { statuses: status } : {}),
    ...(actor ? { actor } : {}),
    ...range,
    ...(q ? { q } : {}),
  };
  return { filter, cursor: decoded, limit: limit ?? DEFAULT_PAGE_SIZE, params: cleanParams(raw, HISTORY_PARAMS) };
}

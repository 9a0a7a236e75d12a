import { queryFromUrl } from "@/lib/domain/query-text";
import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { rolloutJson } from "@/lib/contracts/rollout";
import { listRolloutHistory } from "@/lib/server/list-rollout-history";
import { getDeps } from "@/lib/composition/deps";

/** Past and present rollouts with their latest event, filtered, one page per call (role: viewer). */
export const GET = route(async (request: Request) => {
  await requestContext(request, { need: "viewer" });
  const query = queryFromUrl(request.url);
  const page = await listRolloutHistory(getDeps(), { query });
  return json({
    rollouts: page.rows.map(({ rollout, lastEvent, eventCount }) => ({
      ...rolloutJson(rollout),
      eventCount,
      lastEvent: lastEvent && {
        at: lastEvent.at.toISOString(),
        action: lastEvent.action,
        outcome: lastEvent.outcome,
        actor: { id: lastEvent.actorId, email: lastEvent.actorEmail },
      },
    })),
    nextCursor: page.nextCursor,
  });
});

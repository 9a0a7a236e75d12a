import { commandRoute } from "@/lib/http/command-route";
import { requestContext } from "@/lib/http/request-context";
import { json, pollableJson, route } from "@/lib/http/respond";
import { rolloutJson } from "@/lib/contracts/rollout";
import { archiveRolloutCommand } from "@/lib/server/archive-rollout";
import { getDeps } from "@/lib/composition/deps";
import { getRollout } from "@/lib/server/get-rollout";
import { updateRolloutCommand } from "@/lib/server/update-rollout";

type Params = { params: Promise<{ id: string }> };

export const GET = route(async (request: Request, { params }: Params) => {
  await requestContext(request, { need: "viewer" });
  const { id } = await params;
  return pollableJson(request, rolloutJson(await getRollout(getDeps(), { id })));
});

export const PATCH = commandRoute(updateRolloutCommand, (rollout) => json(rolloutJson(rollout)));

/** Archives: a rollout with history is never erased. */
export const DELETE = commandRoute(archiveRolloutCommand, (rollout) => json(rolloutJson(rollout)));

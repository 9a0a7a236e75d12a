import { commandRoute } from "@/lib/http/command-route";
import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { overviewRolloutJson, type RolloutListJson } from "@/lib/contracts/overview";
import { rolloutJson } from "@/lib/contracts/rollout";
import { createRolloutCommand } from "@/lib/server/create-rollout";
import { getDeps } from "@/lib/composition/deps";
import { listAttention } from "@/lib/server/list-attention";

export const GET = route(async (request: Request) => {
  await requestContext(request, { need: "viewer" });
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const { readAt, items } = await listAttention(getDeps(), { query });
  return json({ rollouts: items.map(overviewRolloutJson), readAt: readAt.toISOString() } satisfies RolloutListJson);
});

export const POST = commandRoute(createRolloutCommand, (rollout) =>
  json(rolloutJson(rollout), { status: 201, headers: { location: `/api/rollouts/${rollout.id}` } }),
);

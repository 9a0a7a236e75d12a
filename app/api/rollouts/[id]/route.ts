import { readJsonBody } from "@/lib/http/read-json";
import { requestContext } from "@/lib/http/request-context";
import { json, pollableJson, route } from "@/lib/http/respond";
import { rolloutJson } from "@/lib/contracts/rollout";
import { archiveRollout } from "@/lib/server/archive-rollout";
import { getDeps } from "@/lib/server/deps";
import { getRollout } from "@/lib/server/get-rollout";
import { updateRollout } from "@/lib/server/update-rollout";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export const GET = route(async (request: Request, { params }: Params) => {
  await requestContext(request, { need: "viewer" });
  const { id } = await params;
  return pollableJson(request, rolloutJson(await getRollout(getDeps(), { id })));
});

export const PATCH = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  const input = await readJsonBody(request);
  const rollout = await updateRollout(getDeps(), { id, input, context: await requestContext(request, { need: "admin" }) });
  return json(rolloutJson(rollout));
});

/** Archives: a rollout with history is never erased. */
export const DELETE = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  const rollout = await archiveRollout(getDeps(), { id, context: await requestContext(request, { need: "admin" }) });
  return json(rolloutJson(rollout));
});

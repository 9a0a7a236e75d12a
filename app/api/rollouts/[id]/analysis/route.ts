import { requestContext } from "@/lib/http/request-context";
import { pollableJson, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";
import { getRolloutAnalysis } from "@/lib/server/get-rollout-analysis";

type Params = { params: Promise<{ id: string }> };

/** The rollout's automated analysis: gates, latest verdicts, recent evaluations, what the loop would do now. `{analysis: null}` when it is off. */
export const GET = route(async (request: Request, { params }: Params) => {
  await requestContext(request, { need: "viewer" });
  const { id } = await params;
  return pollableJson(request, { analysis: await getRolloutAnalysis(getDeps(), { id }) });
});

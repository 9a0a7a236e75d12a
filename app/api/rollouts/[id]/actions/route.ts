import { readJsonBody } from "@/lib/http/read-json";
import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { rolloutJson } from "@/lib/contracts/rollout";
import { actOnRollout } from "@/lib/server/act-on-rollout";
import { getDeps } from "@/lib/server/deps";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** start / promote / promote_full / pause / resume / rollback / adopt. See actOnRollout. */
export const POST = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  // A body that cannot be read is still an attempt: the use case audits it before refusing.
  const body = await readJsonBody(request).then(
    (input) => ({ input, bodyError: undefined }),
    (bodyError: unknown) => ({ input: undefined, bodyError }),
  );
  const context = await requestContext(request, { need: "operator", input: body.input });
  const rollout = await actOnRollout(getDeps(), { id, ...body, context });
  return json(rolloutJson(rollout));
});

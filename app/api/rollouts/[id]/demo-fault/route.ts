import { readJsonBody } from "@/lib/http/read-json";
import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/server/deps";
import { injectDemoFault } from "@/lib/server/inject-demo-fault";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** Demo only: `{"fault": "errors" | "latency" | "heal"}` breaks or heals the rollout's canary in the sandbox mesh (operator role). 404 outside the demo. */
export const POST = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  // A body that cannot be read is still an attempt: the use case audits it before refusing.
  const body = await readJsonBody(request).then(
    (input) => ({ input, bodyError: undefined }),
    (bodyError: unknown) => ({ input: undefined, bodyError }),
  );
  const context = await requestContext(request, { need: "operator", input: body.input });
  return json(await injectDemoFault(getDeps(), { id, ...body, context }));
});

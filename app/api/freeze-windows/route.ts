import { readJsonBody } from "@/lib/http/read-json";
import { requestContext } from "@/lib/http/request-context";
import { json, pollableJson, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/server/deps";
import { listFreezeWindows } from "@/lib/server/freeze/list-freeze-windows";
import { createFreezeWindow } from "@/lib/server/freeze/manage-freeze-windows";

export const dynamic = "force-dynamic";

/** Every freeze window with the occurrence holding now and the next one. */
export const GET = route(async (request: Request) => {
  await requestContext(request, { need: "viewer" });
  return pollableJson(request, await listFreezeWindows(getDeps()));
});

/** Adds a freeze window (admins; audited). */
export const POST = route(async (request: Request) => {
  const body = await readJsonBody(request).then(
    (input) => ({ input, bodyError: undefined }),
    (bodyError: unknown) => ({ input: undefined, bodyError }),
  );
  const context = await requestContext(request, { need: "admin", input: body.input });
  return json(await createFreezeWindow(getDeps(), { ...body, context }), { status: 201 });
});

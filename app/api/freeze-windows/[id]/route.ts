import { readJsonBody } from "@/lib/http/read-json";
import { requestContext } from "@/lib/http/request-context";
import { route } from "@/lib/http/respond";
import { getDeps } from "@/lib/server/deps";
import { deleteFreezeWindow } from "@/lib/server/freeze/manage-freeze-windows";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** Removes a freeze window (admins; audited, with an optional {"reason"}). */
export const DELETE = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  const input = request.body ? await readJsonBody(request) : undefined;
  const context = await requestContext(request, { need: "admin", input });
  await deleteFreezeWindow(getDeps(), { id, input, context });
  return new Response(null, { status: 204 });
});

import { freezeWindowJson, freezeWindowListJson } from "@/lib/contracts/freeze";
import { commandRoute } from "@/lib/http/command-route";
import { requestContext } from "@/lib/http/request-context";
import { json, pollableJson, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";
import { listFreezeWindows } from "@/lib/server/freeze/list-freeze-windows";
import { createFreezeWindowCommand } from "@/lib/server/freeze/manage-freeze-windows";

/** Every freeze window with the occurrence holding now and the next one. */
export const GET = route(async (request: Request) => {
  await requestContext(request, { need: "viewer" });
  return pollableJson(request, freezeWindowListJson(await listFreezeWindows(getDeps())));
});

/** Adds a freeze window (admins; audited). */
export const POST = commandRoute(createFreezeWindowCommand, (window, { deps }) => json(freezeWindowJson(window, deps.now()), { status: 201 }));

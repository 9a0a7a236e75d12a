import * as events from "@/app/api/rollouts/[id]/events/route";
import * as traffic from "@/app/api/rollouts/[id]/traffic/route";
import * as allTraffic from "@/app/api/traffic/route";
import * as inspect from "@/app/api/virtual-services/inspect/route";

/** The read-side traffic routes, called as Next.js calls them (real Request objects, no server). */
async function call(response: Promise<Response>) {
  const res = await response;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert response fields one by one
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });
const get = (path: string) => new Request(`http://aviary.test${path}`);

export const trafficApi = {
  live: (id: string) => call(traffic.GET(get(`/api/rollouts/${id}/traffic`), params(id))),
  all: () => call(allTraffic.GET(get("/api/traffic"))),
  events: (id: string) => call(events.GET(get(`/api/rollouts/${id}/events`), params(id))),
  inspect: (body: unknown) =>
    call(
      inspect.POST(
        new Request("http://aviary.test/api/virtual-services/inspect", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      ),
    ),
};

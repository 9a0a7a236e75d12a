import { identify } from "@/lib/auth/identify";
import { json, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";

/** Who the caller is: `{session: {mode, user, role, signOut} | null}`. Always 200, for scripts and tests. */
export const GET = route(async (request: Request) => {
  const identity = await identify(request.headers, getDeps().auth());
  return json({ session: identity.status === "signed-in" ? identity.view : null });
});

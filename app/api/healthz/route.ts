import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** Liveness: the process answers. Deliberately checks nothing else. */
export function GET() {
  return json({ status: "ok" });
}

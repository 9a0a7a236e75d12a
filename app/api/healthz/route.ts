import { json } from "@/lib/http/respond";

/** Liveness: the process answers. Deliberately checks nothing else. */
export function GET() {
  return json({ status: "ok" });
}

/** What POST /api/virtual-services/inspect answers (server and browser share it). */
export type VirtualServiceInspection = {
  /** The VirtualService as found: its HTTP routes and their destinations with weights. */
  virtualService: {
    resourceVersion: string;
    routes: { name: string | null; destinations: { host: string; subset: string | null; port: number | null; weight: number | null }[] }[];
  } | null;
  /** The route and weights Aviary would drive, when the target fits. */
  match: { routeName: string | null; stableWeight: number; canaryWeight: number } | null;
  /** Why Aviary could not drive it, in words: missing object, route, destination, bad weights. */
  problem: { code: string; message: string } | null;
};

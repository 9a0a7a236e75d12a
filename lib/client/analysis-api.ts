import type { DemoFault, RolloutAnalysisJson } from "../contracts/analysis";
import { request } from "./api";

export const analysisApi = {
  rolloutAnalysis: (id: string, signal?: AbortSignal) =>
    request<{ analysis: RolloutAnalysisJson | null }>(`/api/rollouts/${encodeURIComponent(id)}/analysis`, signal ? { signal } : {}),
  /** Demo only: break or heal the canary in the sandbox mesh. */
  demoFault: (id: string, fault: DemoFault) =>
    request<{ message: string }>(`/api/rollouts/${encodeURIComponent(id)}/demo-fault`, { method: "POST", body: JSON.stringify({ fault }) }),
};

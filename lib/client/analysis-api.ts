import type { RolloutAnalysisJson } from "../contracts/analysis";
import { getJson } from "./metrics-api";

export const analysisApi = {
  rolloutAnalysis: (id: string, signal?: AbortSignal) =>
    getJson<{ analysis: RolloutAnalysisJson | null }>(`/api/rollouts/${encodeURIComponent(id)}/analysis`, signal),
};

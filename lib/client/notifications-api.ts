import type { NotificationsOverviewJson, RolloutNotificationsJson } from "../contracts/notifications";
import { request } from "./api";

export const notificationsApi = {
  rollout: (id: string) => request<RolloutNotificationsJson>(`/api/rollouts/${encodeURIComponent(id)}/notifications`),
  overview: () => request<NotificationsOverviewJson>("/api/notifications"),
};

/** Every TanStack Query key in one place, so invalidation after a mutation cannot miss one. */
export const queryKeys = {
  rollouts: {
    all: ["rollouts"] as const,
    list: (filters: { includeArchived: boolean }) => ["rollouts", "list", filters] as const,
    detail: (id: string) => ["rollouts", "detail", id] as const,
    traffic: (id: string) => ["rollouts", "traffic", id] as const,
    events: (id: string) => ["rollouts", "events", id] as const,
    analysis: (id: string) => ["rollouts", "analysis", id] as const,
    notifications: (id: string) => ["rollouts", "notifications", id] as const,
    approvals: (id: string) => ["rollouts", "approvals", id] as const,
    allTraffic: ["rollouts", "traffic"] as const,
  },
  notifications: {
    overview: ["notifications", "overview"] as const,
  },
  freezeWindows: ["freeze-windows"] as const,
  metrics: {
    all: ["metrics"] as const,
    rollout: (id: string, window: string) => ["metrics", "rollout", id, window] as const,
    /** One key for the whole overview: every row's cell reads from this single query. */
    overview: ["metrics", "overview"] as const,
  },
};

/**
 * Notification deliveries as the pages see them: what was said, where it went (a label with a
 * redacted URL, never the URL), and how delivery is going. Dates are ISO strings.
 */
export const DELIVERY_STATUSES = ["pending", "sending", "delivered", "failed"] as const;
export type DeliveryStatusJson = (typeof DELIVERY_STATUSES)[number];

export type DeliveryJson = {
  id: string;
  eventId: string;
  type: string;
  text: string;
  destination: string;
  status: DeliveryStatusJson;
  attempts: number;
  lastError: string | null;
  /** When the next attempt is due, while pending. */
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  rollout: { id: string; name: string; namespace: string } | null;
};

export type DestinationSummaryJson = {
  destination: string;
  kind: string;
  delivered: number;
  retrying: number;
  failed: number;
  lastDeliveredAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  nextRetryAt: string | null;
};

/** GET /api/rollouts/{id}/notifications */
export type RolloutNotificationsJson = { deliveries: DeliveryJson[] };

/** GET /api/notifications: every destination's recent record, and the deliveries in trouble. */
export type NotificationsOverviewJson = {
  /** The global destinations configured, redacted. */
  global: string[];
  since: string;
  destinations: DestinationSummaryJson[];
  troubled: DeliveryJson[];
};

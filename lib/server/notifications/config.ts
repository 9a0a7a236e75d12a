import { DEFAULT_RETRY, type RetryPolicy } from "../../domain/notifications/backoff";
import { configurationError, parseServerEnv, processEnv, type Env } from "../../env";

/** Where notices go and how hard Aviary tries, from the environment (README: Notifications). */
export type NotifyConfig = {
  /** The origin links point at (AVIARY_PUBLIC_URL, else the local server). */
  baseUrl: string;
  slackUrl: string | null;
  webhookUrl: string | null;
  /**
   * Signs the global webhook, and is what the secrets of rollouts' webhooks without one of their own
   * are derived from (never used for them as is); without it, those are not sent.
   */
  webhookSecret: string | null;
  timeoutMs: number;
  retry: RetryPolicy;
  waitingMinutes: number;
};

export function notifyConfigFromEnv(source: Env = processEnv()): NotifyConfig {
  const env = parseServerEnv(source);
  if (env.AVIARY_NOTIFY_WEBHOOK_URL && !env.AVIARY_NOTIFY_WEBHOOK_SECRET) {
    const message = "is required with AVIARY_NOTIFY_WEBHOOK_URL (webhooks are always signed)";
    throw configurationError([{ variable: "AVIARY_NOTIFY_WEBHOOK_SECRET", message }]);
  }
  return {
    baseUrl: (env.AVIARY_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, ""),
    slackUrl: env.AVIARY_NOTIFY_SLACK_WEBHOOK_URL ?? null,
    webhookUrl: env.AVIARY_NOTIFY_WEBHOOK_URL ?? null,
    webhookSecret: env.AVIARY_NOTIFY_WEBHOOK_SECRET ?? null,
    timeoutMs: env.AVIARY_NOTIFY_TIMEOUT_MS,
    retry: { ...DEFAULT_RETRY, maxAttempts: env.AVIARY_NOTIFY_MAX_ATTEMPTS },
    waitingMinutes: env.AVIARY_NOTIFY_WAITING_MINUTES,
  };
}

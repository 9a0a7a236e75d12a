/**
 * The one place that sends notifications: an HTTP POST with a deadline. It never throws: the
 * answer is an outcome the dispatcher records (and shows). Errors never carry the URL (webhook
 * URLs are secrets), only what went wrong; redirects are not followed.
 */
export type PostResult = { ok: true; status: number } | { ok: false; status: number | null; error: string; permanent: boolean };

export type PostWebhook = (request: { url: string; body: string; headers: Record<string, string>; timeoutMs: number }) => Promise<PostResult>;

/** 4xx other than 408, 425 and 429 will not get better by retrying (bad payload, revoked hook). */
const permanent = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;

export const postWebhook: PostWebhook = async ({ url, body, headers, timeoutMs }) => {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Aviary-Notifications/1", ...headers },
      body,
      redirect: "manual",
      signal,
    });
    const text = (await response.text()).slice(0, 200).replace(/\s+/g, " ").trim();
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return {
      ok: false,
      status: response.status,
      error: `HTTP ${response.status}${text ? `: ${text}` : ""}`,
      permanent: permanent(response.status),
    };
  } catch (error) {
    if (signal.aborted) return { ok: false, status: null, error: `no answer within ${timeoutMs} ms`, permanent: false };
    const cause = (error as { cause?: { code?: string } }).cause;
    return { ok: false, status: null, error: `could not connect${cause?.code ? ` (${cause.code})` : ""}`, permanent: false };
  }
};

import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from "@kubernetes/client-node";
import { log } from "../log";

/**
 * How current a served VirtualService is. `watch`: from the informer's cache, current as of
 * `syncedAt` (now while the watch is connected). `direct`: read from the API server just now,
 * because the cache is not synced yet or its watch has been broken too long (`note` says which).
 */
export type Freshness = { source: "watch" | "direct"; syncedAt: string; note?: string };

export type WatchCacheOptions = {
  /** A broken watch's cache is still served this long, then reads go to the API server. */
  staleAfterMs: number;
  /** Reconnect backoff after errors: first delay and cap. */
  retryMs: { first: number; max: number };
  /** Server-side watch timeout: the watch is renewed this often (random in the range), as client-go does. */
  watchTimeoutSeconds: [number, number];
  now: () => number;
};

export const DEFAULT_WATCH_CACHE: WatchCacheOptions = {
  staleAfterMs: 3_000,
  retryMs: { first: 250, max: 10_000 },
  watchTimeoutSeconds: [300, 600],
  now: () => Date.now(),
};

type Hooks = { starting(): void; connected(): void; ended(err: unknown): void };

/**
 * client-node's Watch, reporting when the stream is up and when it ends, and asking for bookmarks
 * (they keep the resume point recent, so a reconnect rarely needs a relist) and a server-side
 * timeout (a silently dead connection cannot pin the cache for long).
 */
class ReportingWatch extends Watch {
  constructor(
    config: KubeConfig,
    private readonly hooks: Hooks,
    private readonly timeoutSeconds: () => number,
  ) {
    super(config);
  }

  override async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    this.hooks.starting();
    let ended = false;
    const controller = await super.watch(path, { ...query, allowWatchBookmarks: true, timeoutSeconds: this.timeoutSeconds() }, callback, (err: unknown) => {
      ended = true;
      this.hooks.ended(err);
      done(err);
    });
    if (!ended) this.hooks.connected();
    return controller;
  }
}

export type Served<T> = { use: "cache"; value: T; syncedAt: Date } | { use: "direct"; note: string };

/**
 * One informer (list, then watch from the list's resourceVersion) over the VirtualServices of one
 * namespace in one cluster, shared by every request of the process. client-node's ListWatch
 * relists by itself after a 410 and re-watches after a clean end; other errors stop it, so this
 * restarts it with backoff.
 */
export class NamespaceWatchCache {
  private readonly informer: ListWatch<KubernetesObject>;
  private synced = false;
  private connected = false;
  private listed = false;
  /** Last moment the cache was known to be current (ms). */
  private lastGoodAt = 0;
  private brokenSince: number | undefined;
  private lastError = "";
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  /** Objects Aviary itself just wrote, served until the watch delivers the same or a newer version. */
  private readonly written = new Map<string, KubernetesObject>();

  constructor(
    kc: KubeConfig,
    private readonly where: { cluster: string; namespace: string; path: string },
    list: () => Promise<KubernetesListObject<KubernetesObject>>,
    private readonly options: WatchCacheOptions = DEFAULT_WATCH_CACHE,
  ) {
    const [low, high] = options.watchTimeoutSeconds;
    const hooks: Hooks = {
      starting: () => {
        // ListWatch applies a list synchronously just before it starts the watch.
        if (!this.listed) return;
        this.listed = false;
        this.synced = true;
        this.lastGoodAt = options.now();
      },
      connected: () => {
        this.connected = true;
        this.failures = 0;
        if (this.brokenSince !== undefined) log.info("kube watch is back", { watch: this.label });
        this.brokenSince = undefined;
      },
      ended: (err) => {
        if (this.connected) this.lastGoodAt = options.now();
        this.connected = false;
        this.brokenSince ??= options.now();
        if (err) this.lastError = describe(err);
      },
    };
    const watch = new ReportingWatch(kc, hooks, () => Math.round(low + Math.random() * (high - low)));
    // What makeInformer builds, with a Watch that reports the stream's state.
    this.informer = new ListWatch(
      where.path,
      watch,
      async () => {
        const result = await list();
        this.listed = true;
        return result;
      },
      false,
    );
    const settle = (obj: KubernetesObject, deleted = false) => {
      const name = obj.metadata?.name ?? "";
      const mine = this.written.get(name);
      if (mine && (deleted || !isNewer(mine, obj))) this.written.delete(name);
    };
    this.informer.on("add", (obj) => settle(obj));
    this.informer.on("update", (obj) => settle(obj));
    this.informer.on("delete", (obj) => settle(obj, true));
    this.informer.on("error", (err: unknown) => this.broken(err));
  }

  private get label(): string {
    return `${this.where.namespace} in cluster "${this.where.cluster}"`;
  }

  start(): void {
    this.informer.start().catch((err: unknown) => this.broken(err));
  }

  /** One object by name: from the cache when it can be trusted, otherwise "read it directly". */
  get(name: string): Served<KubernetesObject | undefined> {
    const trust = this.trust();
    if (trust.use === "direct") return trust;
    return { ...trust, value: this.written.get(name) ?? this.informer.get(name, this.where.namespace) };
  }

  list(): Served<KubernetesObject[]> {
    const trust = this.trust();
    if (trust.use === "direct") return trust;
    const byName = new Map(this.informer.list(this.where.namespace).map((o) => [o.metadata?.name ?? "", o]));
    for (const [name, obj] of this.written) byName.set(name, obj);
    return { ...trust, value: [...byName.values()] };
  }

  /** Read-your-writes: the result of Aviary's own patch is served before its watch event arrives. */
  noteWritten(obj: KubernetesObject): void {
    const name = obj.metadata?.name;
    if (!name || this.closed) return;
    const cached = this.informer.get(name, this.where.namespace);
    if (cached && !isNewer(obj, cached)) return;
    this.written.set(name, obj);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.informer.stop();
  }

  private trust(): { use: "cache"; syncedAt: Date } | { use: "direct"; note: string } {
    const now = this.options.now();
    if (!this.synced) return { use: "direct", note: `the watch cache for ${this.label} is still syncing` };
    if (this.connected) return { use: "cache", syncedAt: new Date(now) };
    if (now - this.lastGoodAt < this.options.staleAfterMs) return { use: "cache", syncedAt: new Date(this.lastGoodAt) };
    const since = new Date(this.brokenSince ?? this.lastGoodAt).toISOString();
    return { use: "direct", note: `the watch on ${this.label} has been broken since ${since}${this.lastError ? ` (${this.lastError})` : ""}` };
  }

  private broken(err: unknown): void {
    if (this.closed) return;
    this.connected = false;
    this.brokenSince ??= this.options.now();
    this.lastError = describe(err);
    if (this.failures === 0) log.warn("kube watch failed, retrying", { watch: this.label, error: this.lastError });
    const { first, max } = this.options.retryMs;
    const delay = Math.min(max, first * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.failures += 1;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (!this.closed) this.start();
    }, delay);
    this.retry.unref();
  }
}

/** resourceVersions are opaque, but etcd-backed servers issue increasing integers; otherwise trust the watch. */
function isNewer(a: KubernetesObject, b: KubernetesObject): boolean {
  const [x, y] = [a.metadata?.resourceVersion, b.metadata?.resourceVersion];
  if (!x || !y || !/^\d+$/.test(x) || !/^\d+$/.test(y)) return false;
  return BigInt(x) > BigInt(y);
}

function describe(err: unknown): string {
  const e = err as { message?: string; code?: unknown; statusCode?: unknown; cause?: { code?: string } } | undefined;
  const code = e?.statusCode ?? e?.code ?? e?.cause?.code;
  return `${e?.message ?? String(err)}${code !== undefined && !String(e?.message).includes(String(code)) ? ` (${String(code)})` : ""}`;
}

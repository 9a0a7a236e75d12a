// The bounded history of changes that watches are served from, like the watch
// cache kube-apiserver keeps in front of etcd: a watch may resume from any
// resourceVersion still in the window; older ones get 410 Gone ("Expired").
import type { KubeObject } from "./types";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";
export type Change = { revision: number; type: ChangeType; resource: string; object: KubeObject };

/** One open watch, as the log sees it. */
export type Watcher = {
  deliver(change: Change): void;
  /** History up to now was compacted away: end with 410. */
  expire(): void;
  /** Drop the connection without a goodbye (connection loss). */
  cut(): void;
};

export const DEFAULT_HISTORY = 1000;

export class ChangeLog {
  private changes: Change[] = [];
  private readonly watchers = new Set<Watcher>();

  /** `floor`: the oldest revision a watch may start from (every change after it is kept). */
  constructor(
    private floor: number,
    private readonly capacity = DEFAULT_HISTORY,
  ) {}

  record(change: Change): void {
    this.changes.push(change);
    if (this.changes.length > this.capacity) {
      const dropped = this.changes.splice(0, this.changes.length - this.capacity);
      this.floor = dropped[dropped.length - 1]?.revision ?? this.floor;
    }
    for (const w of [...this.watchers]) w.deliver(change);
  }

  /** The changes after `revision`, or undefined when some of them are no longer kept. */
  since(revision: number): Change[] | undefined {
    if (revision < this.floor) return undefined;
    return this.changes.filter((c) => c.revision > revision);
  }

  /** The oldest revision a watch can still start from. */
  get oldest(): number {
    return this.floor;
  }

  subscribe(watcher: Watcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  /** Like an etcd compaction: forget everything up to `revision` and expire every open watch. */
  compact(revision: number): void {
    this.changes = this.changes.filter((c) => c.revision > revision);
    this.floor = Math.max(this.floor, revision);
    for (const w of [...this.watchers]) w.expire();
  }

  /** Cuts every open watch connection, as a network failure would. */
  disconnectAll(): void {
    for (const w of [...this.watchers]) w.cut();
  }
}

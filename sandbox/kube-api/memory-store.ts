// Raw object storage with one global resourceVersion counter, like etcd's
// revision: every write (create, update, delete) bumps it and is recorded in the
// change log that watches are served from. Optionally persisted to a JSON file
// so a demo keeps its state across restarts.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { ChangeLog, type ChangeType } from "./change-log";
import { clone, type KubeObject } from "./types";

type Persisted = { resourceVersion: number; items: { resource: string; object: KubeObject }[] };

export class MemoryStore {
  private revision = 0;
  private readonly objects = new Map<string, { resource: string; object: KubeObject }>();
  /** Every change since start (bounded), for watches. Changes before start are not kept. */
  readonly changes: ChangeLog;

  constructor(
    private readonly dataFile?: string,
    historySize?: number,
  ) {
    if (dataFile && existsSync(dataFile)) this.load(dataFile);
    this.changes = new ChangeLog(this.revision, historySize);
  }

  get revisionNumber(): number {
    return this.revision;
  }

  get revisionString(): string {
    return String(this.revision);
  }

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    const entry = this.objects.get(key(resource, namespace, name));
    return entry && clone(entry.object);
  }

  list(resource?: string, namespace?: string): { resource: string; object: KubeObject }[] {
    return [...this.objects.values()]
      .filter((e) => (!resource || e.resource === resource) && (!namespace || e.object.metadata.namespace === namespace))
      .sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
      .map((e) => clone(e));
  }

  /** Stores `object` under a fresh resourceVersion and returns the stored copy. */
  write(resource: string, object: KubeObject): KubeObject {
    this.revision += 1;
    const stored = clone(object);
    stored.metadata.resourceVersion = String(this.revision);
    const k = key(resource, stored.metadata.namespace, stored.metadata.name);
    const type: ChangeType = this.objects.has(k) ? "MODIFIED" : "ADDED";
    this.objects.set(k, { resource, object: stored });
    this.persist();
    this.changed(type, resource, stored);
    return clone(stored);
  }

  remove(resource: string, namespace: string, name: string): KubeObject | undefined {
    const k = key(resource, namespace, name);
    const entry = this.objects.get(k);
    if (!entry) return undefined;
    this.objects.delete(k);
    this.revision += 1;
    this.persist();
    this.changed("DELETED", resource, entry.object);
    return entry.object;
  }

  clear(): void {
    const removed = [...this.objects.values()];
    this.objects.clear();
    this.revision += 1;
    this.persist();
    // One revision for the whole reset (as before), one DELETED event per object.
    for (const e of removed) this.changed("DELETED", e.resource, e.object);
  }

  private changed(type: ChangeType, resource: string, object: KubeObject): void {
    const event = clone(object);
    // A DELETED event carries the revision of the deletion, as kube-apiserver sends it.
    event.metadata.resourceVersion = String(this.revision);
    this.changes.record({ revision: this.revision, type, resource, object: event });
  }

  private load(file: string): void {
    const data = JSON.parse(readFileSync(file, "utf8")) as Persisted;
    this.revision = Number(data.resourceVersion) || 0;
    for (const item of data.items ?? []) {
      const m = item.object.metadata;
      this.objects.set(key(item.resource, m.namespace, m.name), item);
    }
  }

  private persist(): void {
    if (!this.dataFile) return;
    const data: Persisted = { resourceVersion: this.revision, items: [...this.objects.values()] };
    mkdirSync(path.dirname(this.dataFile), { recursive: true });
    // Write-then-rename so a crash mid-write never leaves a truncated state file.
    const tmp = `${this.dataFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2));
    renameSync(tmp, this.dataFile);
  }
}

const key = (resource: string, namespace: string, name: string) => `${resource}/${namespace}/${name}`;
const sortKey = (e: { object: KubeObject }) => `${e.object.metadata.namespace}/${e.object.metadata.name}`;

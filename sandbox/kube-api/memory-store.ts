// Raw object storage with one global resourceVersion counter, like etcd's
// revision: every write (create, update, delete) bumps it. Optionally persisted
// to a JSON file so a demo keeps its state across restarts.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { clone, type KubeObject } from "./types";

type Persisted = { resourceVersion: number; items: { resource: string; object: KubeObject }[] };

export class MemoryStore {
  private revision = 0;
  private readonly objects = new Map<string, { resource: string; object: KubeObject }>();

  constructor(private readonly dataFile?: string) {
    if (dataFile && existsSync(dataFile)) this.load(dataFile);
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
    this.objects.set(key(resource, stored.metadata.namespace, stored.metadata.name), { resource, object: stored });
    this.persist();
    return clone(stored);
  }

  remove(resource: string, namespace: string, name: string): KubeObject | undefined {
    const k = key(resource, namespace, name);
    const entry = this.objects.get(k);
    if (!entry) return undefined;
    this.objects.delete(k);
    this.revision += 1;
    this.persist();
    return entry.object;
  }

  clear(): void {
    this.objects.clear();
    this.revision += 1;
    this.persist();
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

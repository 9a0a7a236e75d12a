// A minimal Prometheus registry: one aggregate per label set, never one entry
// per request, so memory is bounded by the configured label space no matter how
// long the mesh runs. Renders text exposition format 0.0.4.

export type Labels = Readonly<Record<string, string>>;
export type Counter = { inc(by?: number): void };
export type Gauge = { set(value: number): void };
export type Histogram = { observe(value: number): void };

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Envoy's default histogram buckets, which Istio's duration histograms use. */
export const ISTIO_DURATION_BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000] as const;

type CounterSeries = { labels: Labels; value: number };
type HistogramSeries = { labels: Labels; counts: number[]; sum: number; count: number };
type Family =
  | { type: "counter" | "gauge"; name: string; help?: string; series: Map<string, CounterSeries> }
  | { type: "histogram"; name: string; help?: string; buckets: readonly number[]; series: Map<string, HistogramSeries> };

export class MetricRegistry {
  private readonly families = new Map<string, Family>();

  counter({ name, labels, help }: { name: string; labels: Labels; help?: string }): Counter {
    const series = this.scalar("counter", name, labels, help);
    return {
      inc(by = 1) {
        if (by < 0) throw new Error(`counter ${name} cannot decrease`);
        series.value += by;
      },
    };
  }

  gauge({ name, labels, help }: { name: string; labels: Labels; help?: string }): Gauge {
    const series = this.scalar("gauge", name, labels, help);
    return { set: (value) => void (series.value = value) };
  }

  histogram({ name, labels, buckets, help }: { name: string; labels: Labels; buckets: readonly number[]; help?: string }): Histogram {
    const family = this.family(name, () => ({ type: "histogram", name, help, buckets, series: new Map() }));
    if (family.type !== "histogram") throw new Error(`${name} is already a ${family.type}`);
    const key = labelKey(labels);
    let series = family.series.get(key);
    if (!series) {
      series = { labels, counts: new Array<number>(family.buckets.length).fill(0), sum: 0, count: 0 };
      family.series.set(key, series);
    }
    const s = series;
    return {
      observe(value) {
        // Per-bucket counts here; the cumulative form is built when rendering.
        const index = family.buckets.findIndex((le) => value <= le);
        if (index >= 0) s.counts[index] = (s.counts[index] ?? 0) + 1;
        s.sum += value;
        s.count += 1;
      },
    };
  }

  render(): string {
    const lines: string[] = [];
    for (const family of this.families.values()) {
      if (family.series.size === 0) continue;
      if (family.help) lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
      lines.push(`# TYPE ${family.name} ${family.type}`);
      if (family.type !== "histogram") {
        for (const s of family.series.values()) lines.push(`${family.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
        continue;
      }
      for (const s of family.series.values()) {
        let cumulative = 0;
        family.buckets.forEach((le, i) => {
          cumulative += s.counts[i] ?? 0;
          lines.push(`${family.name}_bucket${formatLabels({ ...s.labels, le: formatValue(le) })} ${cumulative}`);
        });
        lines.push(`${family.name}_bucket${formatLabels({ ...s.labels, le: "+Inf" })} ${s.count}`);
        lines.push(`${family.name}_sum${formatLabels(s.labels)} ${formatValue(s.sum)}`);
        lines.push(`${family.name}_count${formatLabels(s.labels)} ${s.count}`);
      }
    }
    return lines.length ? `${lines.join("\n")}\n` : "";
  }

  private scalar(type: "counter" | "gauge", name: string, labels: Labels, help?: string): CounterSeries {
    const family = this.family(name, () => ({ type, name, help, series: new Map() }));
    if (family.type !== type) throw new Error(`${name} is already a ${family.type}`);
    const key = labelKey(labels);
    let series = family.series.get(key);
    if (!series) {
      series = { labels, value: 0 };
      family.series.set(key, series);
    }
    return series;
  }

  private family(name: string, create: () => Family): Family {
    let family = this.families.get(name);
    if (!family) {
      family = create();
      this.families.set(name, family);
    }
    return family;
  }
}

const labelKey = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length ? `{${pairs.join(",")}}` : "";
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

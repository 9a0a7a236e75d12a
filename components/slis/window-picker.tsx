"use client";

import { useId } from "react";
import { METRICS_WINDOWS, WINDOW_LABELS, type MetricsWindow } from "@/lib/domain/metrics-window";
import "./slis.css";

/** Native radios styled as a segmented control: Tab reaches it, arrow keys move, Space selects. */
export function WindowPicker({ value, onChange }: { value: MetricsWindow; onChange: (next: MetricsWindow) => void }) {
  const name = useId();
  return (
    <fieldset className="window-picker">
      <legend className="sr-only">Time window of the charts</legend>
      {METRICS_WINDOWS.map((option) => (
        <label key={option} className={option === value ? "window-option window-option-active" : "window-option"}>
          <input type="radio" name={name} value={option} checked={option === value} onChange={() => onChange(option)} />
          {WINDOW_LABELS[option]}
        </label>
      ))}
    </fieldset>
  );
}

"use client";

import { type KeyboardEvent, type ReactNode, useId, useRef } from "react";

export interface TabsProps<K extends string> {
  /** What the tabs switch between, for screen readers. */
  label: string;
  tabs: readonly { key: K; label: string }[];
  active: K;
  onChange: (key: K) => void;
  children: ReactNode;
  /** Shown at the end of the tab strip (a copy button, say). */
  aside?: ReactNode;
}

/** A tab strip and the active tab's panel (ARIA tabs: arrow keys move between tabs). */
export function Tabs<K extends string>({ label, tabs, active, onChange, children, aside }: TabsProps<K>) {
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent, i: number) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = (i + step + tabs.length) % tabs.length;
    onChange(tabs[next].key);
    refs.current[next]?.focus();
  };
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-2 border-b border-slate-200">
        <div role="tablist" aria-label={label} className="flex gap-1">
          {tabs.map((t, i) => {
            const selected = t.key === active;
            return (
              <button
                key={t.key}
                ref={(el) => {
                  refs.current[i] = el;
                }}
                type="button"
                role="tab"
                id={`${base}-tab-${t.key}`}
                aria-selected={selected}
                aria-controls={`${base}-panel`}
                tabIndex={selected ? 0 : -1}
                onClick={() => onChange(t.key)}
                onKeyDown={(e) => onKeyDown(e, i)}
                className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${selected ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-500 hover:text-slate-800"}`}
              >
                {t.label}
              </button>
            );
          })}
        </div>
        {aside && <div className="pb-1.5">{aside}</div>}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${active}`} className="pt-4">
        {children}
      </div>
    </div>
  );
}

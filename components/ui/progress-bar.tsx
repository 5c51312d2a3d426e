export interface ProgressBarProps {
  /** The accessible name ("Progress of grid sweep #3f2a"). */
  label: string;
  value: number;
  max: number;
  /** Read out instead of the bare number ("3 of 4 trials finished"). */
  valueText?: string;
  /** Width and height of the track; the default suits a full-width bar. */
  className?: string;
  /** A pulsing bar for work whose end the page cannot measure (a server processing an upload). */
  pulse?: boolean;
}

/** A determinate progress bar, announced with its value. */
export function ProgressBar({ label, value, max, valueText, className = "h-2 w-full", pulse = false }: ProgressBarProps) {
  const pct = max > 0 ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={valueText}
      className={`overflow-hidden rounded-full bg-slate-200 ${className}`}
    >
      <div className={`h-full rounded-full bg-indigo-500 transition-[width] duration-300 ${pulse ? "animate-pulse" : ""}`} style={{ width: `${pct}%` }} />
    </div>
  );
}

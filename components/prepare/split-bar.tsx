import { formatCount } from "@/components/ui/format";

export interface SplitBarProps {
  split: { train: number; validation: number; test: number };
}

const PARTS = [
  { key: "train", label: "Train", color: "bg-indigo-500" },
  { key: "validation", label: "Validation", color: "bg-sky-400" },
  { key: "test", label: "Test", color: "bg-amber-400" },
] as const;

/** The sizes of the three sets, drawn as one bar and written out. */
export function SplitBar({ split }: SplitBarProps) {
  const total = split.train + split.validation + split.test || 1;
  return (
    <div className="space-y-2">
      <div className="flex h-2.5 overflow-hidden rounded-full bg-slate-100" aria-hidden>
        {PARTS.map((p) => (
          <div key={p.key} className={p.color} style={{ width: `${(split[p.key] / total) * 100}%` }} />
        ))}
      </div>
      <dl className="flex flex-wrap gap-x-5 gap-y-1 text-sm" aria-label="Split sizes">
        {PARTS.map((p) => (
          <div key={p.key} className="flex items-center gap-1.5">
            <span aria-hidden className={`size-2.5 rounded-sm ${p.color}`} />
            <dt className="text-slate-600">{p.label}</dt>
            <dd className="font-medium tabular-nums">{formatCount(split[p.key])} rows</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

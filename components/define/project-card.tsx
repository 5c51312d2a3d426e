import Link from "next/link";
import type { Project } from "@/components/api/types";
import { formatCount } from "@/components/ui/format";
import { TASK_LABELS } from "@/lib/define/tasks";
import { StepStrip } from "./step-strip";

export interface ProjectCardProps {
  project: Project;
}

export const DELIVERY_LABELS = { realtime: "Real-time", batch: "Batch" } as const;

/** One project on the home page: what it predicts, how it is judged and how far it got. */
export function ProjectCard({ project: p }: ProjectCardProps) {
  return (
    <article
      className="group relative rounded-xl border border-slate-200 bg-white p-5 shadow-xs transition hover:border-indigo-300 hover:shadow-md"
      aria-labelledby={`project-${p.id}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 id={`project-${p.id}`} className="truncate text-base font-semibold text-slate-900">
            <Link href={`/projects/${p.id}`} className="after:absolute after:inset-0 after:rounded-xl focus:outline-none">
              {p.name}
            </Link>
          </h3>
          {p.description && <p className="mt-1 line-clamp-2 text-sm text-slate-600">{p.description}</p>}
        </div>
        <div className="flex shrink-0 gap-1.5">
          <span className="rounded-full bg-indigo-50 px-2.5 py-0.5 text-xs font-medium text-indigo-700">{TASK_LABELS[p.task]}</span>
          <span className="rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-medium text-slate-700">{DELIVERY_LABELS[p.delivery]}</span>
        </div>
      </div>
      <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
        <div className="flex gap-1.5">
          <dt className="text-slate-500">Success:</dt>
          <dd className="font-medium text-slate-800">{p.criterion ?? <span className="font-normal text-slate-400">not set</span>}</dd>
        </div>
        <div className="flex min-w-0 gap-1.5">
          <dt className="text-slate-500">Target:</dt>
          <dd className="truncate font-medium text-slate-800">{p.target ?? <span className="font-normal text-slate-400">not chosen</span>}</dd>
        </div>
        <div className="flex min-w-0 gap-1.5">
          <dt className="text-slate-500">Data:</dt>
          <dd className="truncate text-slate-800">
            {p.dataset ? (
              <>
                {p.dataset.name}{" "}
                <span className="text-slate-500">
                  v{p.dataset.version} · {formatCount(p.dataset.rowCount)} rows
                </span>
              </>
            ) : (
              <span className="text-slate-400">none attached</span>
            )}
          </dd>
        </div>
      </dl>
      {/* Above the card's link overlay, so each step's title shows on hover. */}
      <div className="relative z-10 mt-4 w-fit min-w-full">
        <StepStrip steps={p.steps} notes={p.stepNotes} />
      </div>
    </article>
  );
}

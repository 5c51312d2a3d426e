"use client";

import { formatCount } from "@/components/ui/format";
import { Breadcrumb } from "@/components/ui/page-header";
import { TASK_LABELS } from "@/lib/define/tasks";
import { DELIVERY_LABELS } from "./project-card";
import { useProject } from "./use-project";

export interface ProjectHeaderProps {
  projectId: string;
}

export function ProjectHeader({ projectId }: ProjectHeaderProps) {
  const p = useProject(projectId);
  return (
    <header>
      <Breadcrumb links={[{ href: "/", label: "Projects" }]} current={p.name} />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight">{p.name}</h1>
          {p.description && <p className="mt-1 max-w-3xl text-sm text-slate-600">{p.description}</p>}
        </div>
        <dl className="flex flex-wrap gap-2 text-xs">
          <Chip label="Task" value={TASK_LABELS[p.task]} />
          <Chip label="Delivery" value={DELIVERY_LABELS[p.delivery]} />
          <Chip label="Success" value={p.criterion ?? "not set"} />
          <Chip label="Data" value={p.dataset ? `${p.dataset.name} v${p.dataset.version} · ${formatCount(p.dataset.rowCount)} rows` : "none"} />
        </dl>
      </div>
    </header>
  );
}

interface ChipProps {
  label: string;
  value: string;
}

function Chip({ label, value }: ChipProps) {
  return (
    <div className="flex max-w-72 gap-1 rounded-full border border-slate-200 bg-white px-2.5 py-1">
      <dt className="text-slate-500">{label}</dt>
      <dd className="truncate font-medium text-slate-800">{value}</dd>
    </div>
  );
}

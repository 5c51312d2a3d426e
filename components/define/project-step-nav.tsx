"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";
import type { Project } from "@/components/api/types";
import { canVisit, useViewer } from "@/components/identity/viewer-context";
import { STEPS } from "@/lib/define/tasks";
import { STEP_STATE_META } from "./step-state";
import { useProject } from "./use-project";

export interface ProjectStepNavProps {
  projectId: string;
}

const CIRCLE: Record<string, string> = {
  done: "bg-emerald-500 text-white",
  attention: "bg-amber-400 text-amber-950",
  "not-started": "bg-white text-slate-500 ring-1 ring-inset ring-slate-300",
};

/** The six steps as links, each with its state; the loop closes from Monitor back to Get data. */
export function ProjectStepNav({ projectId }: ProjectStepNavProps) {
  const p = useProject(projectId);
  const pathname = usePathname() ?? "";
  const activeRef = useRef<HTMLAnchorElement>(null);
  // On narrow screens the strip scrolls sideways: keep the current step in view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again on each new path, which it does not read
  useEffect(() => {
    activeRef.current?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [pathname]);
  const base = `/projects/${encodeURIComponent(p.id)}`;
  const viewer = useViewer();
  // Get data and Prepare are editors' pages: a viewer sees those steps' states without a link the proxy would refuse.
  const canOpen = (href: string) => canVisit(viewer, href);
  const attention = STEPS.filter((s) => p.steps[s.key] === "attention" && p.stepNotes[s.key]);
  return (
    <div className="space-y-2">
      <nav aria-label="Steps" className="overflow-x-auto rounded-xl border border-slate-200 bg-white p-2 shadow-xs">
        <ol className="flex min-w-max items-stretch">
          {STEPS.map((s, i) => {
            const state = p.steps[s.key];
            const meta = STEP_STATE_META[state];
            const note = p.stepNotes[s.key];
            const href = `${base}/${s.key}`;
            const active = pathname === href || pathname.startsWith(href + "/");
            return (
              <li key={s.key} className="flex items-center">
                {i > 0 && (
                  <span aria-hidden className="px-1 text-slate-300">
                    →
                  </span>
                )}
                {canOpen(href) ? (
                  <Link
                    href={href}
                    ref={active ? activeRef : undefined}
                    aria-current={active ? "page" : undefined}
                    title={`${s.label}: ${meta.label}${note ? ` — ${note}` : ""}\n${s.blurb}`}
                    className={`flex items-center gap-2.5 rounded-lg px-3 py-2 transition-colors ${active ? "bg-indigo-50 ring-1 ring-indigo-200" : "hover:bg-slate-50"}`}
                  >
                    <StepLabel index={i} label={s.label} state={state} note={note} active={active} />
                  </Link>
                ) : (
                  <span title={`${s.label}: ${meta.label} — for editors`} className="flex items-center gap-2.5 rounded-lg px-3 py-2 opacity-60">
                    <StepLabel index={i} label={s.label} state={state} note={note} active={false} />
                  </span>
                )}
              </li>
            );
          })}
          {canOpen(`${base}/data`) && (
            <li className="flex items-center">
              <Link
                href={`${base}/data`}
                className="ml-2 rounded-lg px-3 py-2 text-xs text-slate-500 hover:bg-slate-50 hover:text-slate-800"
                title="Monitoring leads back to new data and a retrained model"
              >
                ↺ back to Get data
              </Link>
            </li>
          )}
        </ol>
      </nav>
      {attention.length > 0 && (
        <ul className="space-y-1 rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          {attention.map((s) => (
            <li key={s.key}>
              {canOpen(`${base}/${s.key}`) ? (
                <Link href={`${base}/${s.key}`} className="font-semibold underline-offset-2 hover:underline">
                  {s.label}
                </Link>
              ) : (
                <span className="font-semibold">{s.label}</span>
              )}{" "}
              needs attention: {p.stepNotes[s.key]}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface StepLabelProps {
  index: number;
  label: string;
  state: Project["steps"][keyof Project["steps"]];
  note: string | undefined;
  active: boolean;
}

/** A step's number or state mark, its name and its state in words. */
function StepLabel({ index, label, state, note, active }: StepLabelProps) {
  const meta = STEP_STATE_META[state];
  return (
    <>
      <span aria-hidden className={`grid size-6 shrink-0 place-items-center rounded-full text-xs font-bold ${CIRCLE[state]}`}>
        {state === "not-started" ? index + 1 : meta.icon}
      </span>
      <span className="flex flex-col leading-tight">
        <span className={`text-sm font-medium ${active ? "text-indigo-800" : "text-slate-800"}`}>{label}</span>
        <span className={`text-[11px] ${state === "attention" ? "font-medium text-amber-700" : "text-slate-500"}`}>{meta.label}</span>
        {note && <span className="sr-only">: {note}</span>}
      </span>
    </>
  );
}

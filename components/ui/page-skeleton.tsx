export interface PageSkeletonProps {
  label: string;
}

/** Shown while a server page loads: the shape of a page, announced as busy. */
export function PageSkeleton({ label }: PageSkeletonProps) {
  return (
    <div role="status" aria-busy="true" aria-label={label} className="animate-pulse space-y-4">
      <div className="h-6 w-48 rounded bg-slate-200" />
      <div className="h-4 w-96 max-w-full rounded bg-slate-200/70" />
      <div className="h-64 rounded-xl border border-slate-200 bg-white" />
    </div>
  );
}

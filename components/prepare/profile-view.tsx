"use client";

import { useQuery } from "@tanstack/react-query";
import { datasetProfileQuery } from "@/components/data/queries";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount } from "@/components/ui/format";
import { ColumnProfileCard } from "./column-profile-card";
import { CorrelationHeatmap } from "./correlation-heatmap";

export interface ProfileViewProps {
  datasetId: string;
}

/** A dataset version's profile: a card per column and the correlations of its numeric columns. */
export function ProfileView({ datasetId }: ProfileViewProps) {
  const { data: profile, error, isPending, refetch, isRefetching } = useQuery(datasetProfileQuery(datasetId));

  if (error) {
    return (
      <div className="space-y-3">
        <ErrorNotice error={error} />
        <Button variant="secondary" size="sm" onClick={() => refetch()} disabled={isRefetching}>
          Try again
        </Button>
      </div>
    );
  }
  if (isPending) {
    return (
      <div aria-busy="true" className="space-y-3">
        <p className="text-sm text-slate-500">Profiling the data… (computed once per version, then cached)</p>
        <div className="grid animate-pulse gap-4 md:grid-cols-2 xl:grid-cols-3">
          {[0, 1, 2].map((i) => (
            <div key={i} className="h-64 rounded-xl border border-slate-200 bg-white" />
          ))}
        </div>
      </div>
    );
  }

  const showCorrelations = profile.correlations.columns.length >= 2;
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-500">
        {formatCount(profile.rowCount)} rows · {profile.columns.length} columns
        {profile.durationMs !== undefined && <> · profiled in {formatCount(profile.durationMs)} ms</>}
      </p>
      {profile.columns.length === 0 ? (
        <p className="text-sm text-slate-500">This version has no columns.</p>
      ) : (
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {profile.columns.map((c) => (
            <ColumnProfileCard key={c.name} column={c} rowCount={profile.rowCount} />
          ))}
        </div>
      )}
      {showCorrelations && (
        <section aria-labelledby="correlations-heading" className="rounded-xl border border-slate-200 bg-white p-4 shadow-xs">
          <h4 id="correlations-heading" className="mb-1 font-semibold">
            Correlations
          </h4>
          <p className="mb-3 text-xs text-slate-500">Pearson r between numeric columns, over rows where both have a value.</p>
          <CorrelationHeatmap columns={profile.correlations.columns} matrix={profile.correlations.matrix} />
        </section>
      )}
    </div>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDate } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { cardClass } from "@/components/ui/styles";
import { listReports } from "@/lib/integrate/server/reports/reports";

export const metadata: Metadata = { title: "Reports" };

const COLUMNS = ["Report", "Endpoint", "History", "Last refreshed", "Next scheduled run"] as const;

export default async function ReportsPage() {
  await connection();
  const items = listReports();
  return (
    <section aria-labelledby="reports-heading">
      <PageHeader
        id="reports-heading"
        title="Reports"
        intro="Each report draws a history dataset beside the newest batch output of an endpoint; a schedule scores it again on its cron, or refresh it from its page."
        className="mb-5"
      />
      {items.length === 0 ? (
        <EmptyState title="No reports yet">
          <p className="mt-1 text-sm text-slate-500">
            Create one with <code className="font-mono text-xs">POST /api/reports</code>; the orange-juice sample gets one once its forecaster has trained.
          </p>
        </EmptyState>
      ) : (
        <div className={`${cardClass} overflow-x-auto`}>
          <table className="w-full min-w-[48rem] text-sm">
            <caption className="sr-only">Reports</caption>
            <thead className="bg-slate-50 text-left text-xs text-slate-500">
              <tr>
                {COLUMNS.map((c, i) => (
                  <th key={c} scope="col" className={`${i === 0 ? "px-5" : "px-3"} py-2 font-medium`}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((r) => {
                const next = r.schedules.find((s) => s.enabled && s.nextRunAt);
                return (
                  <tr key={r.id}>
                    <td className="px-5 py-2.5">
                      <Link href={`/reports/${encodeURIComponent(r.id)}`} className="font-medium text-indigo-700 hover:underline">
                        {r.name}
                      </Link>
                    </td>
                    <td className="px-3 py-2.5 font-mono text-xs">{r.endpoint}</td>
                    <td className="px-3 py-2.5 text-slate-700">{r.historyDataset}</td>
                    <td className="px-3 py-2.5 text-slate-700">{r.refreshedAt ? formatDate(r.refreshedAt) : "never"}</td>
                    <td className="px-3 py-2.5 text-slate-700">{next ? `${formatDate(next.nextRunAt!)} (${next.cron}, ${next.timezone})` : "not scheduled"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

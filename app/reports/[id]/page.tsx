import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { reportQuery } from "@/components/integrate/queries";
import { ReportView } from "@/components/integrate/report-view";
import { getReport, type Report } from "@/lib/integrate/server/reports/reports";
import { isAppError } from "@/lib/shared/errors";

type Params = { params: Promise<{ id: string }> };

function findReport(id: string): Report | null {
  try {
    return getReport(id);
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") return null;
    throw e;
  }
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  await connection();
  return { title: findReport((await params).id)?.name ?? "Report" };
}

export default async function ReportPage({ params }: Params) {
  await connection();
  const report = findReport((await params).id) ?? notFound();
  const queryClient = new QueryClient();
  queryClient.setQueryData(reportQuery(report.id).queryKey, report);
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/reports" className="font-medium text-indigo-700 hover:underline">
          ← All reports
        </Link>
      </p>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <ReportView id={report.id} />
      </HydrationBoundary>
    </div>
  );
}

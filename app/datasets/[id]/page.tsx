import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { ColumnSchemaTable } from "@/components/data/column-schema-table";
import { DatasetRows } from "@/components/data/dataset-rows";
import { datasetQuery } from "@/components/data/queries";
import { ProfileView } from "@/components/prepare/profile-view";
import { formatBytes, formatCount, formatDate } from "@/components/ui/format";
import { Breadcrumb } from "@/components/ui/page-header";
import { cardClass, sectionTitleClass } from "@/components/ui/styles";
import { getDataset } from "@/lib/data/server/datasets";
import { isAppError } from "@/lib/shared/errors";

export const metadata: Metadata = { title: "Dataset" };

const SOURCE_LABELS = { upload: "Uploaded file", url: "Imported from URL", sample: "Bundled sample" } as const;

function load(id: string) {
  try {
    return getDataset(id);
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  }
}

/** The page's sections, as the links at its top name them. */
const ON_THIS_PAGE = [
  ["schema", "Schema"],
  ["profile", "Profile"],
  ["rows", "Rows"],
] as const;

export default async function DatasetPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const d = load((await params).id);
  const facts: [string, ReactNode][] = [
    [
      "Source",
      <>
        {SOURCE_LABELS[d.sourceKind]}: <span className="break-all">{d.source}</span>
      </>,
    ],
    ["Format", d.format.toUpperCase()],
    ["Size", formatBytes(d.sizeBytes)],
    ["Rows", formatCount(d.rowCount)],
    ["Columns", String(d.columns.length)],
    ["Created", formatDate(d.createdAt)],
    [
      "Content hash",
      <span key="hash" className="font-mono text-xs break-all">
        {d.contentHash || "–"}
      </span>,
    ],
  ];
  const queryClient = new QueryClient();
  queryClient.setQueryData(datasetQuery(d.id).queryKey, d);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <div className="space-y-8">
        <header>
          <Breadcrumb links={[{ href: "/datasets", label: "Datasets" }]} current={d.name} />
          <h1 className="text-2xl font-semibold tracking-tight">
            {d.name} <span className="font-normal text-slate-500">v{d.version}</span>
          </h1>
          <nav aria-label="On this page" className="mt-3 flex gap-4 text-sm">
            {ON_THIS_PAGE.map(([id, label]) => (
              <a key={id} href={`#${id}`} className="text-indigo-700 hover:underline">
                {label}
              </a>
            ))}
          </nav>
        </header>

        <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
          <section aria-labelledby="meta-heading" className={`${cardClass} p-5`}>
            <h2 id="meta-heading" className={`${sectionTitleClass} mb-3`}>
              About this version
            </h2>
            <dl className="grid gap-x-8 gap-y-2 text-sm sm:grid-cols-2">
              {facts.map(([label, value]) => (
                <div key={label} className={label === "Content hash" || label === "Source" ? "sm:col-span-2" : ""}>
                  <dt className="text-xs text-slate-500">{label}</dt>
                  <dd className="text-slate-900">{value}</dd>
                </div>
              ))}
            </dl>
          </section>
          <section aria-labelledby="versions-heading" className={`${cardClass} p-5`}>
            <h2 id="versions-heading" className={`${sectionTitleClass} mb-3`}>
              Versions
            </h2>
            <ol className="space-y-1 text-sm">
              {d.versions.map((v) => (
                <li key={v.id}>
                  {v.id === d.id ? (
                    <span aria-current="page" className="flex justify-between rounded-md bg-indigo-50 px-2 py-1 font-medium text-indigo-900">
                      <span>v{v.version} (this one)</span>
                      <span className="tabular-nums">{formatCount(v.rowCount)} rows</span>
                    </span>
                  ) : (
                    <Link
                      href={`/datasets/${encodeURIComponent(v.id)}`}
                      className="flex justify-between rounded-md px-2 py-1 text-indigo-700 hover:bg-slate-50"
                    >
                      <span>v{v.version}</span>
                      <span className="tabular-nums text-slate-500">{formatCount(v.rowCount)} rows</span>
                    </Link>
                  )}
                </li>
              ))}
            </ol>
          </section>
        </div>

        <section id="schema" aria-labelledby="schema-heading" className="scroll-mt-20">
          <h2 id="schema-heading" className={`${sectionTitleClass} mb-1`}>
            Schema
          </h2>
          <p className="mb-3 text-sm text-slate-500">Change a column&apos;s type to read its values differently; the stored values stay as they were.</p>
          <ColumnSchemaTable datasetId={d.id} />
        </section>

        <section id="profile" aria-labelledby="dprofile-heading" className="scroll-mt-20">
          <h2 id="dprofile-heading" className={`${sectionTitleClass} mb-3`}>
            Profile
          </h2>
          <ProfileView datasetId={d.id} />
        </section>

        <section id="rows" aria-labelledby="drows-heading" className="scroll-mt-20">
          <h2 id="drows-heading" className={`${sectionTitleClass} mb-3`}>
            Rows
          </h2>
          <DatasetRows datasetId={d.id} />
        </section>
      </div>
    </HydrationBoundary>
  );
}

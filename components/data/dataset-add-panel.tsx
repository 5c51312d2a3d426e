"use client";

import Link from "next/link";
import type { DatasetVersion } from "@/components/api/types";
import { useCan } from "@/components/identity/viewer-context";
import { buttonClass } from "@/components/ui/button";
import { ReadOnlyNote } from "@/components/ui/read-only-note";
import { DatasetSources } from "./dataset-sources";

const openLink = (d: DatasetVersion) => (
  <Link href={`/datasets/${encodeURIComponent(d.id)}`} className={buttonClass("primary", "sm")}>
    Open {d.name} v{d.version}
  </Link>
);

/** Upload or import on the datasets page; the result links to the new version. */
export function DatasetAddPanel() {
  const canEdit = useCan("editor");
  if (!canEdit) return <ReadOnlyNote what="upload or import data" />;
  return <DatasetSources action={openLink} heading="h2" className="space-y-5" />;
}

"use client";

import Link from "next/link";
import { buttonClass } from "./button";
import type { DatasetVersion } from "./api-types";
import { cardClass, sectionTitleClass } from "./styles";
import { UploadZone } from "./upload-zone";
import { ReadOnlyNote } from "./read-only-note";
import { UrlImportForm } from "./url-import-form";
import { useCan } from "./viewer-context";

const openLink = (d: DatasetVersion) => (
  <Link href={`/datasets/${encodeURIComponent(d.id)}`} className={buttonClass("primary", "sm")}>
    Open {d.name} v{d.version}
  </Link>
);

/** Upload or import on the datasets page; the result links to the new version. */
export function DatasetAddPanel() {
  const canEdit = useCan("editor");
  if (!canEdit) return <ReadOnlyNote what="upload or import data" />;
  return (
    <div className="space-y-5">
      <section aria-labelledby="ds-upload-heading" className={`${cardClass} p-5`}>
        <h2 id="ds-upload-heading" className={`${sectionTitleClass} mb-3`}>
          Upload a file
        </h2>
        <UploadZone uploadedAction={openLink} />
      </section>
      <section aria-labelledby="ds-import-heading" className={`${cardClass} p-5`}>
        <h2 id="ds-import-heading" className={`${sectionTitleClass} mb-3`}>
          Import from URL
        </h2>
        <UrlImportForm importedAction={openLink} />
      </section>
    </div>
  );
}

"use client";

import Link from "next/link";
import { buttonClass } from "./button";
import type { DatasetVersion } from "./api-types";
import { cardClass, sectionTitleClass } from "./styles";
import { UploadZone } from "./upload-zone";
import { UrlImportForm } from "./url-import-form";

const openLink = (d: DatasetVersion) => (
  <Link href={`/datasets/${encodeURIComponent(d.id)}`} className={buttonClass("primary", "sm")}>
    Open {d.name} v{d.version}
  </Link>
);

/** Upload or import on the datasets page; the result links to the new version. */
export function DatasetAddPanel() {
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

"use client";

import { type ReactNode, useId } from "react";
import type { DatasetVersion } from "@/components/api/types";
import { cardClass, sectionTitleClass } from "@/components/ui/styles";
import { UploadZone } from "./upload-zone";
import { UrlImportForm } from "./url-import-form";

export interface DatasetSourcesProps {
  /** What a new dataset version offers once made: open it, attach it. */
  action: (dataset: DatasetVersion) => ReactNode;
  /** The cards' heading level under the page's own headings. */
  heading: "h2" | "h3";
  /** The two cards' layout: stacked, or side by side. */
  className: string;
}

/** The two ways to bring data in, each in its card: upload a file, import from a URL. */
export function DatasetSources({ action, heading: Heading, className }: DatasetSourcesProps) {
  const id = useId();
  return (
    <div className={className}>
      <section aria-labelledby={`${id}-upload`} className={`${cardClass} p-5`}>
        <Heading id={`${id}-upload`} className={`${sectionTitleClass} mb-3`}>
          Upload a file
        </Heading>
        <UploadZone uploadedAction={action} />
      </section>
      <section aria-labelledby={`${id}-import`} className={`${cardClass} p-5`}>
        <Heading id={`${id}-import`} className={`${sectionTitleClass} mb-3`}>
          Import from URL
        </Heading>
        <UrlImportForm importedAction={action} />
      </section>
    </div>
  );
}

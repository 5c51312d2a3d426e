"use client";

import { useQuery } from "@tanstack/react-query";
import type { DatasetVersion } from "@/components/api/types";
import { StepIntro } from "@/components/define/step-intro";
import { useProject } from "@/components/define/use-project";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { cardClass, sectionTitleClass } from "@/components/ui/styles";
import { AttachDatasetForm } from "./attach-dataset-form";
import { AttachedDataset } from "./attached-dataset";
import { DatasetSources } from "./dataset-sources";
import { datasetQuery } from "./queries";
import { RowsTable, TableSkeleton } from "./rows-table";
import { useAttachDataset } from "./use-attach-dataset";

export interface ProjectDataStepProps {
  /** The page prefetches the project, its attached dataset version and the versions to attach. */
  projectId: string;
}

/** Step 2: the data version the project works on, new uploads and imports, and its rows. */
export function ProjectDataStep({ projectId }: ProjectDataStepProps) {
  const project = useProject(projectId);
  const datasetId = project.datasetId;
  const { data: dataset, isPending } = useQuery({ ...datasetQuery(datasetId ?? ""), enabled: !!datasetId });

  const attachAction = (d: DatasetVersion) => <AttachButton projectId={project.id} dataset={d} attached={d.id === datasetId} />;

  return (
    <div className="space-y-6">
      <StepIntro title="Get data">
        Upload or import a file; every upload under the same name is kept as a new version. The project works on the version attached here.
      </StepIntro>

      <section aria-labelledby="attached-heading" className={`${cardClass} p-5`}>
        <h3 id="attached-heading" className={`${sectionTitleClass} mb-3`}>
          Attached data
        </h3>
        {!datasetId ? (
          <p className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500">
            No data attached yet. Upload a file below, or attach a stored version.
          </p>
        ) : dataset ? (
          <AttachedDataset projectId={project.id} dataset={dataset} />
        ) : isPending ? (
          <TableSkeleton rows={2} />
        ) : (
          <p className="text-sm text-amber-800">The attached version no longer exists. Attach another one.</p>
        )}
        <div className="mt-5 border-t border-slate-100 pt-4">
          <AttachDatasetForm projectId={project.id} attachedId={datasetId} />
        </div>
      </section>

      <DatasetSources action={attachAction} heading="h3" className="grid gap-6 lg:grid-cols-2" />

      {dataset && (
        <section aria-labelledby="rows-heading">
          <h3 id="rows-heading" className={`${sectionTitleClass} mb-3`}>
            Rows of {dataset.name} v{dataset.version}
          </h3>
          <RowsTable key={dataset.id} datasetId={dataset.id} columns={dataset.columns} caption={`Rows of ${dataset.name} v${dataset.version}`} />
        </section>
      )}
    </div>
  );
}

interface AttachButtonProps {
  projectId: string;
  dataset: DatasetVersion;
  attached: boolean;
}

function AttachButton({ projectId, dataset, attached }: AttachButtonProps) {
  const attach = useAttachDataset(projectId);
  if (attached) return <span className="text-sm font-medium text-emerald-800">✓ Attached to this project</span>;
  return (
    <>
      <Button size="sm" onClick={() => attach.mutate(dataset.id)} disabled={attach.isPending}>
        {attach.isPending ? "Attaching…" : `Attach ${dataset.name} v${dataset.version} to this project`}
      </Button>
      {attach.error && <ErrorNotice error={attach.error} className="w-full" />}
    </>
  );
}

"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { DatasetVersion } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field } from "@/components/ui/field";
import { formatCount } from "@/components/ui/format";
import { selectClass } from "@/components/ui/styles";
import { datasetListQuery } from "./queries";
import { useAttachDataset } from "./use-attach-dataset";

export interface AttachDatasetFormProps {
  projectId: string;
  attachedId: string | null;
}

/** Picks any stored dataset version (the page prefetches `datasetListQuery`), grouped by dataset name, and attaches it. */
export function AttachDatasetForm({ projectId, attachedId }: AttachDatasetFormProps) {
  const { data: versions } = useSuspenseQuery(datasetListQuery());
  const [choice, setChoice] = useState("");
  const attach = useAttachDataset(projectId);
  const groups = new Map<string, DatasetVersion[]>();
  for (const v of versions) groups.set(v.name, [...(groups.get(v.name) ?? []), v]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (choice) attach.mutate(choice, { onSuccess: () => setChoice("") });
  }

  if (versions.length === 0) return <p className="text-sm text-slate-500">No datasets stored yet: upload or import one below.</p>;

  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Attach a dataset version">
      <div className="flex flex-wrap items-end gap-3">
        <Field id="attach-version" label="Dataset version" className="min-w-72 flex-1">
          <select id="attach-version" className={selectClass} value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">Choose a version…</option>
            {[...groups].map(([name, list]) => (
              <optgroup key={name} label={name}>
                {list.map((v) => (
                  <option key={v.id} value={v.id} disabled={v.id === attachedId}>
                    {name} v{v.version} · {formatCount(v.rowCount)} rows{v.id === attachedId ? " (attached)" : ""}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Field>
        <Button type="submit" variant="secondary" disabled={!choice || attach.isPending}>
          {attach.isPending ? "Attaching…" : "Attach"}
        </Button>
      </div>
      {attach.error && <ErrorNotice error={attach.error} />}
    </form>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { ApiError, sendJson } from "@/components/api/fetch";
import type { DatasetVersion } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { inputClass } from "@/components/ui/styles";
import { DatasetCreated } from "./dataset-created";
import { invalidateDatasets } from "./queries";

export interface UrlImportFormProps {
  onImported?: (dataset: DatasetVersion) => void;
  importedAction?: (dataset: DatasetVersion) => ReactNode;
}

/** The server fetches a file from a URL and stores it as a dataset version. */
export function UrlImportForm({ onImported, importedAction }: UrlImportFormProps) {
  const id = useId();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const importUrl = useMutation({
    mutationFn: () => sendJson<DatasetVersion>("POST", "/api/datasets", { name: name.trim(), url: url.trim() }),
    onSuccess: async (dataset) => {
      await invalidateDatasets(qc);
      onImported?.(dataset);
    },
  });
  const errors = importUrl.error instanceof ApiError ? importUrl.error.fieldErrors : {};

  if (importUrl.data) {
    return (
      <DatasetCreated
        dataset={importUrl.data}
        verb="Imported"
        action={importedAction?.(importUrl.data)}
        onAnother={() => {
          importUrl.reset();
          setName("");
          setUrl("");
        }}
      />
    );
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    importUrl.mutate();
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Import from URL" noValidate>
      <Field id={`${id}-url`} label="File URL" error={errors.url} hint="An http(s) link to a CSV, TSV, JSON, JSON Lines or Parquet file.">
        <input
          {...fieldA11y(`${id}-url`, errors.url, true)}
          className={inputClass}
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://example.org/data.csv"
          disabled={importUrl.isPending}
        />
      </Field>
      <Field id={`${id}-name`} label="Dataset name" error={errors.name}>
        <input
          {...fieldA11y(`${id}-name`, errors.name)}
          className={inputClass}
          value={name}
          onChange={(e) => setName(e.target.value)}
          disabled={importUrl.isPending}
          autoComplete="off"
        />
      </Field>
      {importUrl.error && <ErrorNotice error={importUrl.error} shownFields={["url", "name"]} />}
      <Button type="submit" variant="secondary" disabled={importUrl.isPending || !url.trim()}>
        {importUrl.isPending ? "Importing… the server is fetching the file" : "Import"}
      </Button>
    </form>
  );
}

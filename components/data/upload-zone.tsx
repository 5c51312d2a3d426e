"use client";

import { useQueryClient } from "@tanstack/react-query";
import { type DragEvent, type FormEvent, type ReactNode, useId, useRef, useState } from "react";
import { ApiError, problemFrom } from "@/components/api/fetch";
import type { DatasetVersion } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { formatBytes } from "@/components/ui/format";
import { inputClass } from "@/components/ui/styles";
import { DatasetCreated } from "./dataset-created";
import { invalidateDatasets } from "./queries";

export interface UploadZoneProps {
  /** Called with the new version once the server has stored it. */
  onUploaded?: (dataset: DatasetVersion) => void;
  /** Offered next to the result (e.g. "Attach to this project"). */
  uploadedAction?: (dataset: DatasetVersion) => ReactNode;
}

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; percent: number }
  | { kind: "processing" }
  | { kind: "done"; dataset: DatasetVersion }
  | { kind: "failed"; error: unknown };

const ACCEPT = ".csv,.tsv,.txt,.json,.jsonl,.ndjson,.parquet,text/csv,text/tab-separated-values,application/json,application/vnd.apache.parquet";

/** A file name without its extension: the default dataset name. */
const baseName = (fileName: string) => fileName.replace(/\.[^.]+$/, "") || fileName;

/** Sends a multipart upload with XMLHttpRequest, whose upload events give real progress. */
function postDataset(file: File, name: string, onProgress: (percent: number) => void, onSent: () => void): Promise<DatasetVersion> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const body = new FormData();
    body.append("name", name);
    body.append("file", file);
    xhr.open("POST", "/api/datasets");
    xhr.responseType = "text";
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.upload.onload = onSent;
    xhr.onerror = () => reject(new Error("Failed to fetch"));
    xhr.onload = async () => {
      const res = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText });
      if (xhr.status >= 200 && xhr.status < 300) resolve((await res.json()) as DatasetVersion);
      else reject(new ApiError(await problemFrom(res)));
    };
    xhr.send(body);
  });
}

/** Drag-and-drop or pick a data file, name it, and upload it with a live progress bar. */
export function UploadZone({ onUploaded, uploadedAction }: UploadZoneProps) {
  const id = useId();
  const qc = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [dragging, setDragging] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });

  const busy = phase.kind === "uploading" || phase.kind === "processing";
  const errors = phase.kind === "failed" && phase.error instanceof ApiError ? phase.error.fieldErrors : {};

  function choose(f: File | undefined) {
    if (!f) return;
    setFile(f);
    setName((n) => n || baseName(f.name));
    setPhase({ kind: "idle" });
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (!busy) choose(e.dataTransfer.files[0]);
  }

  async function upload(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setPhase({ kind: "uploading", percent: 0 });
    try {
      const dataset = await postDataset(
        file,
        name.trim(),
        (percent) => setPhase({ kind: "uploading", percent }),
        () => setPhase({ kind: "processing" }),
      );
      setPhase({ kind: "done", dataset });
      await invalidateDatasets(qc);
      onUploaded?.(dataset);
    } catch (error) {
      setPhase({ kind: "failed", error });
    }
  }

  function reset() {
    setFile(null);
    setName("");
    setPhase({ kind: "idle" });
    if (inputRef.current) inputRef.current.value = "";
  }

  if (phase.kind === "done") {
    return <DatasetCreated dataset={phase.dataset} action={uploadedAction?.(phase.dataset)} onAnother={reset} />;
  }

  return (
    <form onSubmit={upload} className="space-y-4" aria-label="Upload a data file" noValidate>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          if (!busy) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`flex flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed px-6 py-8 text-center transition-colors ${
          dragging ? "border-indigo-400 bg-indigo-50" : errors.file ? "border-red-300 bg-red-50/40" : "border-slate-300 bg-slate-50/60"
        }`}
      >
        <span aria-hidden className="text-2xl text-slate-400">
          ⇪
        </span>
        {file ? (
          <p className="text-sm text-slate-700">
            <span className="font-medium">{file.name}</span> <span className="text-slate-500">· {formatBytes(file.size)}</span>
          </p>
        ) : (
          <p className="text-sm text-slate-600">Drag a CSV, TSV, JSON, JSON Lines or Parquet file here, or</p>
        )}
        <input
          ref={inputRef}
          id={`${id}-file`}
          type="file"
          accept={ACCEPT}
          className="sr-only"
          disabled={busy}
          aria-label="Data file"
          aria-describedby={errors.file ? `${id}-file-error` : undefined}
          onChange={(e) => choose(e.target.files?.[0])}
        />
        <Button variant="secondary" size="sm" disabled={busy} onClick={() => inputRef.current?.click()} aria-controls={`${id}-file`}>
          {file ? "Choose another file" : "Choose a file"}
        </Button>
        {errors.file && (
          <p id={`${id}-file-error`} className="text-xs font-medium text-red-600">
            {errors.file}
          </p>
        )}
      </div>

      <Field id={`${id}-name`} label="Dataset name" error={errors.name} hint="Uploading under an existing name adds a new version of it.">
        <input
          {...fieldA11y(`${id}-name`, errors.name, true)}
          className={inputClass}
          value={name}
          disabled={busy}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Store sales"
          autoComplete="off"
        />
      </Field>

      {busy && <UploadProgress phase={phase} />}
      {phase.kind === "failed" && <ErrorNotice error={phase.error} shownFields={["file", "name"]} />}

      <Button type="submit" disabled={!file || busy}>
        {busy ? "Uploading…" : "Upload"}
      </Button>
    </form>
  );
}

interface UploadProgressProps {
  phase: Phase;
}

function UploadProgress({ phase }: UploadProgressProps) {
  const percent = phase.kind === "uploading" ? phase.percent : 100;
  const processing = phase.kind === "processing";
  return (
    <div className="space-y-1.5">
      <div className="flex justify-between text-xs text-slate-600">
        <span aria-live="polite">{processing ? "Processing… reading and typing the rows" : "Uploading…"}</span>
        <span className="tabular-nums">{percent}%</span>
      </div>
      <div
        role="progressbar"
        aria-label="Upload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2 overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full rounded-full bg-indigo-500 transition-[width] ${processing ? "animate-pulse" : ""}`} style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

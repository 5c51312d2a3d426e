"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useId, useRef, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import type { ModelVersion } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { formatBytes } from "@/components/ui/format";
import { ProgressBar } from "@/components/ui/progress-bar";
import { inputClass } from "@/components/ui/styles";
import { importModelBundle, invalidateModels } from "./queries";

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; percent: number }
  | { kind: "processing" }
  | { kind: "done"; model: ModelVersion }
  | { kind: "failed"; error: unknown };

/** Takes a downloaded bundle (.tar) back into the registry as a new version, with upload progress. */
export function ModelImportForm() {
  const id = useId();
  const qc = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });

  const busy = phase.kind === "uploading" || phase.kind === "processing";
  const errors = phase.kind === "failed" && phase.error instanceof ApiError ? phase.error.fieldErrors : {};
  const fileId = `${id}-file`;
  const nameId = `${id}-name`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setPhase({ kind: "failed", error: new ApiError({ title: "No file", status: 400, errors: [{ field: "file", message: "Choose a bundle file first." }] }) });
      return;
    }
    setPhase({ kind: "uploading", percent: 0 });
    try {
      const model = await importModelBundle(
        file,
        name.trim(),
        (percent) => setPhase({ kind: "uploading", percent }),
        () => setPhase({ kind: "processing" }),
      );
      setPhase({ kind: "done", model });
      setFile(null);
      setName("");
      if (fileRef.current) fileRef.current.value = "";
      await invalidateModels(qc);
    } catch (error) {
      setPhase({ kind: "failed", error });
    }
  }

  return (
    <form aria-label="Import a model bundle" onSubmit={submit} noValidate className="space-y-4">
      <Field
        id={fileId}
        label="Bundle file"
        error={errors.file}
        hint={file ? `${file.name} · ${formatBytes(file.size)}` : "A .tar downloaded from this registry or another workbench."}
      >
        <input
          {...fieldA11y(fileId, errors.file, true)}
          ref={fileRef}
          type="file"
          accept=".tar,application/x-tar"
          disabled={busy}
          className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-50"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            if (phase.kind !== "uploading" && phase.kind !== "processing") setPhase({ kind: "idle" });
          }}
        />
      </Field>
      <Field id={nameId} label="Model name" optional error={errors.name} hint="Empty: the name stored in the bundle, as its next version.">
        <input
          {...fieldA11y(nameId, errors.name, true)}
          className={inputClass}
          value={name}
          disabled={busy}
          autoComplete="off"
          onChange={(e) => setName(e.target.value)}
        />
      </Field>

      {busy && (
        <div className="space-y-1.5">
          <p className="text-xs text-slate-600" aria-live="polite">
            {phase.kind === "processing" ? "Checking and storing the bundle…" : `Uploading… ${phase.percent}%`}
          </p>
          <ProgressBar label="Import progress" value={phase.kind === "uploading" ? phase.percent : 100} max={100} pulse={phase.kind === "processing"} />
        </div>
      )}
      {phase.kind === "done" && (
        <p role="status" className="rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
          <span aria-hidden>✓ </span>Imported as{" "}
          <Link href={`/models#${encodeURIComponent(phase.model.id)}`} className="font-semibold underline-offset-2 hover:underline">
            {phase.model.name} v{phase.model.version}
          </Link>
          .
        </p>
      )}
      {phase.kind === "failed" && <ErrorNotice error={phase.error} shownFields={["file", "name"]} />}

      <Button type="submit" disabled={busy}>
        {busy ? "Importing…" : "Import bundle"}
      </Button>
    </form>
  );
}

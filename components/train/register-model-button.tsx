"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import type { Run } from "@/components/api/types";
import { projectQuery } from "@/components/define/queries";
import { useCan } from "@/components/identity/viewer-context";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { fieldA11y } from "@/components/ui/field";
import { inputClass } from "@/components/ui/styles";
import { invalidateModels, registerModel } from "./queries";

export interface RegisterModelButtonProps {
  /** A succeeded run. */
  run: Pick<Run, "id" | "projectId" | "algorithm">;
}

/** Registers a succeeded run as the next version of a model name (by default the project's name). */
export function RegisterModelButton({ run }: RegisterModelButtonProps) {
  const canEdit = useCan("editor");
  if (!canEdit) return null;
  // Keyed by run, so choosing another run starts from a clean form.
  return <RegisterModelForm key={run.id} run={run} />;
}

function RegisterModelForm({ run }: RegisterModelButtonProps) {
  const qc = useQueryClient();
  const { data: project } = useQuery(projectQuery(run.projectId));
  // null until the person types: the field follows the project's name, which may load after the form.
  const [typed, setTyped] = useState<string | null>(null);
  const name = typed ?? project?.name ?? "";
  const register = useMutation({
    mutationFn: registerModel,
    onSuccess: () => invalidateModels(qc),
  });
  const nameError = register.error instanceof ApiError ? register.error.fieldErrors.name : undefined;
  const id = `register-${run.id}-name`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    register.mutate({ runId: run.id, ...(trimmed ? { name: trimmed } : {}) });
  };

  return (
    <div className="space-y-2 rounded-lg border border-slate-200 bg-slate-50/60 p-3">
      <form aria-label="Register as a model" onSubmit={submit} noValidate className="flex flex-wrap items-end gap-2">
        <div className="min-w-48 flex-1 space-y-1">
          <label htmlFor={id} className="block text-xs font-medium text-slate-700">
            Model name
          </label>
          <input
            {...fieldA11y(id, nameError)}
            className={inputClass}
            value={name}
            autoComplete="off"
            onChange={(e) => setTyped(e.target.value)}
            placeholder={project?.name ?? "Model name"}
          />
          {nameError && (
            <p id={`${id}-error`} className="text-xs font-medium text-red-600">
              {nameError}
            </p>
          )}
        </div>
        <Button type="submit" disabled={register.isPending}>
          {register.isPending ? "Registering…" : "Register model"}
        </Button>
      </form>
      {register.data ? (
        <p role="status" className="text-sm text-emerald-800">
          <span aria-hidden>✓ </span>Registered as{" "}
          <Link href={`/models#${encodeURIComponent(register.data.id)}`} className="font-semibold underline-offset-2 hover:underline">
            {register.data.name} v{register.data.version}
          </Link>
          . Register again to add another version.
        </p>
      ) : (
        <p className="text-xs text-slate-500">
          Registering copies this run&apos;s model into the registry as the next version of that name, ready to download or deploy.
        </p>
      )}
      <ErrorNotice error={register.error} shownFields={nameError ? ["name"] : []} />
    </div>
  );
}

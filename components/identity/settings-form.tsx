"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { NumberInput } from "@/components/ui/number-input";
import { cardClass, inputClass, sectionTitleClass } from "@/components/ui/styles";
import { type Quotas, saveSettings, settingsKeys, settingsQuery, type WorkspaceSettings } from "./queries";

const QUOTA_FIELDS: { key: keyof Quotas; label: string; hint: string }[] = [
  { key: "maxQueuedRunsPerUser", label: "Queued runs per person", hint: "Training runs one person may have queued or running at once (sweep trials count)." },
  { key: "maxQueuedRunsPerProject", label: "Queued runs per project", hint: "Training runs one project may have queued or running at once." },
  { key: "maxSweepTrials", label: "Trials per sweep", hint: "The most runs one hyperparameter sweep may queue." },
  { key: "maxQueuedJobsPerUser", label: "Queued batch jobs per person", hint: "Batch jobs one person may have queued or running at once." },
];

/** Workspace settings: the hosts alert webhooks may reach on private addresses, and the queue quotas. */
export function SettingsForm() {
  const { data, error, isPending } = useQuery(settingsQuery());
  if (error) return <ErrorNotice error={error} />;
  if (isPending) return <p className="text-sm text-slate-500">Loading settings…</p>;
  return <SettingsFields initial={data} />;
}

/** "host, line 2: …" for `webhookAllowedHosts.1`; the message alone for the list as a whole. */
function hostErrors(errors: Record<string, string>): string | undefined {
  const lines = Object.entries(errors)
    .filter(([f]) => f === "webhookAllowedHosts" || f.startsWith("webhookAllowedHosts."))
    .map(([f, m]) => {
      const index = Number(f.split(".")[1]);
      return Number.isInteger(index) ? `Line ${index + 1}: ${m}` : m;
    });
  return lines.length ? lines.join(" ") : undefined;
}

function SettingsFields({ initial }: { initial: WorkspaceSettings }) {
  const qc = useQueryClient();
  const [hosts, setHosts] = useState(initial.webhookAllowedHosts.join("\n"));
  const [quotas, setQuotas] = useState<Partial<Quotas>>(initial.quotas);
  const save = useMutation({
    mutationFn: saveSettings,
    onSuccess: (saved) => {
      qc.setQueryData(settingsKeys.detail(), saved);
      setHosts(saved.webhookAllowedHosts.join("\n"));
      setQuotas(saved.quotas);
    },
  });
  const server = save.error instanceof ApiError ? save.error.fieldErrors : {};
  const hostsError = hostErrors(server);
  const quotaError = (key: keyof Quotas) => {
    const v = quotas[key];
    return server[`quotas.${key}`] ?? (v === undefined || !Number.isInteger(v) || v < 1 ? "A whole number, 1 or more." : undefined);
  };
  const invalid = QUOTA_FIELDS.some((f) => quotaError(f.key) !== undefined && !server[`quotas.${f.key}`]);
  const edited = () => {
    if (save.isSuccess || save.isError) save.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (invalid) return;
    const list = hosts
      .split("\n")
      .map((h) => h.trim())
      .filter(Boolean);
    save.mutate({ webhookAllowedHosts: list, quotas: quotas as Quotas });
  };

  const shownFields = Object.keys(server).filter((f) => f.startsWith("webhookAllowedHosts") || f.startsWith("quotas."));
  return (
    <form aria-label="Workspace settings" onSubmit={submit} noValidate className="max-w-3xl space-y-6">
      <section aria-labelledby="webhooks-heading" className={`${cardClass} space-y-3 p-5`}>
        <h2 id="webhooks-heading" className={sectionTitleClass}>
          Alert webhooks
        </h2>
        <Field
          id="settings-hosts"
          label="Hosts webhooks may reach on private addresses"
          hint="One host or host:port per line. Webhooks go to public addresses anyway; a host listed here may also be on localhost or the local network."
          error={hostsError}
        >
          <textarea
            {...fieldA11y("settings-hosts", hostsError, true)}
            rows={5}
            spellCheck={false}
            className={`${inputClass} font-mono text-xs`}
            placeholder={"alerts.internal\nlocalhost:9000"}
            value={hosts}
            onChange={(e) => {
              setHosts(e.target.value);
              edited();
            }}
          />
        </Field>
      </section>
      <section aria-labelledby="quotas-heading" className={`${cardClass} space-y-4 p-5`}>
        <div>
          <h2 id="quotas-heading" className={sectionTitleClass}>
            Quotas
          </h2>
          <p className="mt-1 text-sm text-slate-600">Past a quota, a new run or job is refused with a message saying which.</p>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          {QUOTA_FIELDS.map((f) => {
            const fid = `settings-${f.key}`;
            const err = quotaError(f.key);
            return (
              <Field key={f.key} id={fid} label={f.label} hint={f.hint} error={err}>
                <NumberInput
                  {...fieldA11y(fid, err, true)}
                  value={quotas[f.key]}
                  onValueChange={(v) => {
                    setQuotas((q) => ({ ...q, [f.key]: v }));
                    edited();
                  }}
                />
              </Field>
            );
          })}
        </div>
      </section>
      <ErrorNotice error={save.error} shownFields={shownFields} />
      {save.isSuccess && <Notice tone="success">Settings saved.</Notice>}
      <Button type="submit" disabled={save.isPending || invalid}>
        {save.isPending ? "Saving…" : "Save settings"}
      </Button>
    </form>
  );
}

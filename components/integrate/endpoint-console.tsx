"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useMemo, useState } from "react";
import { problemFrom } from "@/components/api/fetch";
import type { Endpoint } from "@/components/api/types";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { inputClass, selectClass } from "@/components/ui/styles";
import { type ConsoleAnswer, EndpointAnswer } from "./endpoint-answer";
import { EndpointKeyField, useEndpointKey } from "./endpoint-key-field";
import { bodyFromForm, columnOfField, DEFAULT_K, type FormValues, formColumns, inputKind } from "./endpoint-request";
import { EndpointSnippets } from "./endpoint-snippets";
import { Tabs } from "./endpoint-tabs";
import { endpointKeys } from "./queries";

export interface EndpointConsoleProps {
  endpoint: Endpoint;
  /** The absolute scoring URL, for the snippets. */
  url: string;
  /** The primary key this browser tab was shown, if any. */
  sessionKey: string | null;
}

const TABS = [
  { key: "form", label: "Form" },
  { key: "raw", label: "Raw JSON" },
] as const;
type ConsoleTab = (typeof TABS)[number]["key"];

/** Sends the body with the key, timing it in the browser; any answer (a problem too) is kept to show. */
async function sendScore(url: string, key: string, body: string): Promise<ConsoleAnswer> {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${key.trim()}`, "content-type": "application/json", accept: "application/json" },
    body,
  });
  const headers = { modelVersion: res.headers.get("x-model-version"), requestId: res.headers.get("x-request-id") };
  if (!res.ok) {
    const problem = await problemFrom(res);
    return { status: res.status, latencyMs: performance.now() - started, headers, problem };
  }
  const json: unknown = await res.json();
  return { status: res.status, latencyMs: performance.now() - started, headers, json };
}

/** A form generated from the endpoint's input schema, or the raw body; the key; Send; the answer; snippets. */
export function EndpointConsole({ endpoint, url, sessionKey }: EndpointConsoleProps) {
  const qc = useQueryClient();
  const id = useId();
  const recommendation = endpoint.task === "recommendation";
  const columns = formColumns(recommendation, endpoint.inputSchema);
  const [tab, setTab] = useState<ConsoleTab>("form");
  const [values, setValues] = useState<FormValues>({});
  const [k, setK] = useState(String(DEFAULT_K));
  // null while the raw body still follows the form; the person's own text once edited.
  const [rawText, setRawText] = useState<string | null>(null);
  const endpointKey = useEndpointKey(sessionKey);
  const { key } = endpointKey;

  const formBody = useMemo(
    () => JSON.stringify(bodyFromForm({ recommendation, schema: endpoint.inputSchema, values, k }), null, 2),
    [recommendation, endpoint.inputSchema, values, k],
  );
  const body = tab === "raw" && rawText !== null ? rawText : formBody;

  const send = useMutation({
    mutationFn: () => sendScore(endpoint.url, key, body),
    onSettled: () => qc.invalidateQueries({ queryKey: endpointKeys.traffic(endpoint.name) }),
  });
  const answer = send.data;
  // The first row's field errors, by column, to show beside the form's inputs.
  const columnErrors: Record<string, string> = {};
  for (const e of answer?.problem?.errors ?? []) {
    const column = columnOfField(e.field);
    if (column) columnErrors[column] ??= e.message;
  }
  const keyError = answer?.problem?.errors?.find((e) => e.field === "authorization")?.message;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };
  const setValue = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));

  return (
    <div className="space-y-5">
      <form aria-label="Test request" onSubmit={submit} noValidate className="space-y-4">
        <Tabs label="Request body" tabs={TABS} active={tab} onChange={setTab}>
          {tab === "form" ? (
            <div className="grid gap-3 sm:grid-cols-2">
              {columns.map((c, i) => {
                const fid = `${id}-col-${i}`;
                const error = columnErrors[c.name];
                const kind = inputKind(c.type);
                return (
                  <Field
                    key={c.name}
                    id={fid}
                    label={<span className="font-mono">{c.name}</span>}
                    hint={recommendation ? "The item on screen; the answer lists the items that go with it." : c.type}
                    error={error}
                  >
                    {kind === "boolean" ? (
                      <select
                        {...fieldA11y(fid, error, true)}
                        className={selectClass}
                        value={values[c.name] ?? ""}
                        onChange={(e) => setValue(c.name, e.target.value)}
                      >
                        <option value="">(missing)</option>
                        <option value="true">true</option>
                        <option value="false">false</option>
                      </select>
                    ) : (
                      <input
                        {...fieldA11y(fid, error, true)}
                        className={`${inputClass} ${kind === "number" ? "tabular-nums" : ""}`}
                        inputMode={kind === "number" ? "decimal" : undefined}
                        placeholder={kind === "number" ? "number (empty: missing)" : "empty: missing"}
                        autoComplete="off"
                        value={values[c.name] ?? ""}
                        onChange={(e) => setValue(c.name, e.target.value)}
                      />
                    )}
                  </Field>
                );
              })}
              {recommendation && (
                <Field id={`${id}-k`} label="k" hint="How many items to return." error={answer?.problem?.errors?.find((e) => e.field === "k")?.message}>
                  <input
                    {...fieldA11y(`${id}-k`, undefined, true)}
                    className={inputClass}
                    inputMode="numeric"
                    value={k}
                    onChange={(e) => setK(e.target.value)}
                  />
                </Field>
              )}
              {columns.length === 0 && <p className="text-sm text-slate-500">This model declares no input columns: use the raw JSON tab.</p>}
            </div>
          ) : (
            <div className="space-y-2">
              <Field id={`${id}-raw`} label="Request body (JSON)" hint="Also accepted: MLflow's dataframe_split and dataframe_records.">
                <textarea
                  {...fieldA11y(`${id}-raw`, undefined, true)}
                  className={`${inputClass} min-h-48 font-mono text-xs`}
                  spellCheck={false}
                  value={body}
                  onChange={(e) => setRawText(e.target.value)}
                />
              </Field>
              {rawText !== null && (
                <Button variant="ghost" size="sm" onClick={() => setRawText(null)}>
                  Reset to the form&apos;s body
                </Button>
              )}
            </div>
          )}
        </Tabs>
        <EndpointKeyField id={`${id}-key`} endpointKey={endpointKey} error={keyError} />
        <Button type="submit" disabled={send.isPending || key.trim() === ""}>
          {send.isPending ? "Sending…" : "Send"}
        </Button>
      </form>
      <ErrorNotice error={send.error} />
      {answer && <EndpointAnswer answer={answer} />}
      <EndpointSnippets url={url} body={body} />
    </div>
  );
}

"use client";

import { useEffect, useState } from "react";
import { Field, fieldA11y } from "@/components/ui/field";
import { inputClass } from "@/components/ui/styles";

/** The key a form on the endpoint page sends: what the person typed, else the key this tab was shown. */
export function useEndpointKey(sessionKey: string | null) {
  const [typedKey, setTypedKey] = useState<string | null>(null);
  // A key shown to this tab (deploy, rotation) replaces what was typed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: resets when a new key is shown, which it does not read
  useEffect(() => setTypedKey(null), [sessionKey]);
  return { key: typedKey ?? sessionKey ?? "", fromSession: sessionKey !== null && sessionKey !== "" && typedKey === null, setTypedKey };
}

export interface EndpointKeyFieldProps {
  id: string;
  endpointKey: ReturnType<typeof useEndpointKey>;
  error?: string;
  /** What the pasted key is for, in the hint: "" or " to start a job". */
  purpose?: string;
}

/** The password field of an endpoint's key, shared by the test console and the batch job form. */
export function EndpointKeyField({ id, endpointKey, error, purpose = "" }: EndpointKeyFieldProps) {
  return (
    <Field
      id={id}
      label="Key"
      hint={
        endpointKey.fromSession
          ? "The primary key this browser tab was shown."
          : `Paste one of the endpoint's keys${purpose}: they are shown once and cannot be retrieved.`
      }
      error={error}
    >
      <input
        {...fieldA11y(id, error, true)}
        type="password"
        className={`${inputClass} font-mono`}
        autoComplete="off"
        spellCheck={false}
        placeholder="wbk_…"
        value={endpointKey.key}
        onChange={(e) => endpointKey.setTypedKey(e.target.value)}
      />
    </Field>
  );
}

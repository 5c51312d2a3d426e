"use client";

import { type QueryKey, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "@/components/api/fetch";
import { Field, fieldA11y } from "@/components/ui/field";
import { NumberInput } from "@/components/ui/number-input";
import { expiryDaysError } from "./queries";

export interface ExpiringCreateOptions<B, T> {
  /** The days filled in at first. */
  defaultDays: number;
  create(body: B & { expiresInDays?: number }): Promise<T>;
  /** With what was made (its secret is shown once); the form's own fields are cleared here. */
  onCreated(made: T): void;
  /** The list the new one joins. */
  listKey: QueryKey;
}

/**
 * A form that makes a secret that expires (an API token, an invite link): its "expires in (days)",
 * the server's field errors, and the request, which refreshes the list it joins.
 */
export function useExpiringCreate<B, T>({ defaultDays, create: createFn, onCreated, listKey }: ExpiringCreateOptions<B, T>) {
  const qc = useQueryClient();
  const [days, setDays] = useState<number | undefined>(defaultDays);
  const create = useMutation({
    mutationFn: createFn,
    onSuccess: (made) => {
      onCreated(made);
      return qc.invalidateQueries({ queryKey: listKey });
    },
  });
  const server = create.error instanceof ApiError ? create.error.fieldErrors : {};
  const daysError = expiryDaysError(days, server.expiresInDays);
  /** Sends `body` with the days, if any were given (none: the server's default). */
  const submit = (body: B) => {
    if (daysError) return;
    create.mutate({ ...body, ...(days !== undefined ? { expiresInDays: days } : {}) });
  };
  return { create, server, days, setDays, daysError, submit };
}

export interface ExpiryDaysFieldProps {
  id: string;
  days: number | undefined;
  setDays(days: number | undefined): void;
  error: string | undefined;
}

/** "Expires in (days)": empty leaves the server's default. */
export function ExpiryDaysField({ id, days, setDays, error }: ExpiryDaysFieldProps) {
  return (
    <Field id={id} label="Expires in (days)" optional hint="Empty: the server's default." error={error}>
      <NumberInput {...fieldA11y(id, error, true)} value={days} onValueChange={setDays} />
    </Field>
  );
}

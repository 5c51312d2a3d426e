"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { inputClass } from "@/components/ui/styles";
import { PasswordField } from "./password-field";
import { signIn } from "./queries";
import { safeNext } from "./safe-next";

export interface SignInFormProps {
  /** Where to go once signed in (the page the proxy turned the person away from). */
  next?: string;
}

/** Email and password → a session cookie, then the page asked for. */
export function SignInForm({ next }: SignInFormProps) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = useMutation({
    mutationFn: () => signIn({ email: email.trim(), password }),
    // A full load, so the layout reads the new session (a client-side push would keep the signed-out layout).
    onSuccess: () => window.location.assign(safeNext(next)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate();
  };
  const busy = submit.isPending || submit.isSuccess;
  return (
    <form aria-label="Sign in" onSubmit={onSubmit} className="space-y-4">
      <Field id="sign-in-email" label="Email">
        <input
          {...fieldA11y("sign-in-email")}
          type="email"
          required
          autoComplete="username"
          autoFocus
          className={inputClass}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </Field>
      <PasswordField id="sign-in-password" label="Password" autoComplete="current-password" value={password} onChange={setPassword} />
      {submit.error instanceof ApiError ? (
        // The reason alone ("Invalid email or password", a disabled account, when to try again): no field to mark.
        <Notice tone="error">{submit.error.problem.detail || submit.error.problem.title}</Notice>
      ) : (
        <ErrorNotice error={submit.error} />
      )}
      <Button type="submit" className="w-full" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}

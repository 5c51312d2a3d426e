"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { inputClass } from "@/components/ui/styles";
import { PasswordField } from "./password-field";
import { acceptInvite, type NewAccount, setUpFirstAdmin } from "./queries";

/** The shortest password the workbench takes (the server checks it too). */
export const PASSWORD_MIN_CHARS = 8;

export interface NewAccountFormProps {
  /** `setup`: the first administrator (`POST /api/setup`); `invite`: an invited person (`POST /api/invites/accept`). */
  kind: "setup" | "invite";
  token: string;
}

const SHOWN_FIELDS = ["name", "email", "password"];

/** Name, email and a password typed twice → a new account, signed in, on the home page. */
export function NewAccountForm({ kind, token }: NewAccountFormProps) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [checked, setChecked] = useState(false);
  const create = useMutation({
    mutationFn: (body: NewAccount) => (kind === "setup" ? setUpFirstAdmin(body) : acceptInvite(body)),
    // A full load: the layout reads the new session.
    onSuccess: () => window.location.assign("/"),
  });

  const server = create.error instanceof ApiError ? create.error.fieldErrors : {};
  const local = {
    name: name.trim() === "" ? "Your name, as others see it." : undefined,
    email: email.trim() === "" ? "The address you sign in with." : undefined,
    password: password.length < PASSWORD_MIN_CHARS ? `At least ${PASSWORD_MIN_CHARS} characters.` : undefined,
    repeat: repeat !== password ? "The two passwords differ." : undefined,
  };
  const errors = {
    name: server.name ?? (checked ? local.name : undefined),
    email: server.email ?? (checked ? local.email : undefined),
    password: server.password ?? (checked ? local.password : undefined),
    repeat: checked ? local.repeat : undefined,
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (local.name || local.email || local.password || local.repeat) return;
    create.mutate({ token, email: email.trim(), name: name.trim(), password });
  };
  const busy = create.isPending || create.isSuccess;

  return (
    <form aria-label={kind === "setup" ? "Create the first administrator" : "Accept the invite"} onSubmit={submit} noValidate className="space-y-4">
      <Field id="account-name" label="Name" error={errors.name}>
        <input
          {...fieldA11y("account-name", errors.name)}
          autoComplete="name"
          autoFocus
          className={inputClass}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field id="account-email" label="Email" error={errors.email}>
        <input
          {...fieldA11y("account-email", errors.email)}
          type="email"
          autoComplete="username"
          className={inputClass}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </Field>
      <PasswordField
        id="account-password"
        label="Password"
        autoComplete="new-password"
        hint={`At least ${PASSWORD_MIN_CHARS} characters.`}
        error={errors.password}
        value={password}
        onChange={setPassword}
      />
      <PasswordField id="account-repeat" label="Password again" autoComplete="new-password" error={errors.repeat} value={repeat} onChange={setRepeat} />
      <ErrorNotice error={create.error} shownFields={SHOWN_FIELDS.filter((f) => server[f])} />
      <Button type="submit" className="w-full" disabled={busy}>
        {busy ? "Creating your account…" : kind === "setup" ? "Create administrator" : "Create my account"}
      </Button>
    </form>
  );
}

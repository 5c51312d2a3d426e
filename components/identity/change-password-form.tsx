"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Notice } from "@/components/ui/notice";
import { PASSWORD_MIN_CHARS } from "./new-account-form";
import { PasswordField } from "./password-field";
import { changePassword } from "./queries";

/** Current password and a new one typed twice; every other session of the person is signed out. */
export function ChangePasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [checked, setChecked] = useState(false);
  const change = useMutation({
    mutationFn: changePassword,
    onSuccess: () => {
      setCurrent("");
      setNext("");
      setRepeat("");
      setChecked(false);
    },
  });
  const local = {
    current: current === "" ? "Your password as it is now." : undefined,
    next: next.length < PASSWORD_MIN_CHARS ? `At least ${PASSWORD_MIN_CHARS} characters.` : undefined,
    repeat: repeat !== next ? "The two new passwords differ." : undefined,
  };
  const shown = checked ? local : { current: undefined, next: undefined, repeat: undefined };
  const edit = (set: (v: string) => void) => (v: string) => {
    set(v);
    if (change.isSuccess || change.isError) change.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (local.current || local.next || local.repeat) return;
    change.mutate({ currentPassword: current, newPassword: next });
  };
  return (
    <form aria-label="Change password" onSubmit={submit} noValidate className="space-y-4">
      <PasswordField
        id="password-current"
        label="Current password"
        autoComplete="current-password"
        error={shown.current}
        value={current}
        onChange={edit(setCurrent)}
      />
      <PasswordField
        id="password-new"
        label="New password"
        autoComplete="new-password"
        hint={`At least ${PASSWORD_MIN_CHARS} characters.`}
        error={shown.next}
        value={next}
        onChange={edit(setNext)}
      />
      <PasswordField
        id="password-repeat"
        label="New password again"
        autoComplete="new-password"
        error={shown.repeat}
        value={repeat}
        onChange={edit(setRepeat)}
      />
      <ErrorNotice error={change.error} />
      {change.isSuccess && <Notice tone="success">Password changed. Your other sessions are signed out; this one stays.</Notice>}
      <Button type="submit" disabled={change.isPending}>
        {change.isPending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}

"use client";

import { type ReactNode, useId } from "react";
import { Button } from "./button";
import { CopyButton } from "./copy-button";
import { controlClass } from "./styles";

export interface SecretOnceProps {
  title: string;
  /** What the value is called, as the label of its box ("Invite link", "Token"). */
  label: string;
  value: string;
  children?: ReactNode;
  onDismiss: () => void;
}

/** A secret made just now (a token, an invite link), shown this once with a copy button: the server keeps only its hash. */
export function SecretOnce({ title, label, value, children, onDismiss }: SecretOnceProps) {
  const titleId = useId();
  const inputId = useId();
  return (
    <section aria-labelledby={titleId} className="rounded-xl border-2 border-amber-300 bg-amber-50 p-4">
      <h3 id={titleId} className="font-semibold text-amber-950">
        {title} — shown only once
      </h3>
      <p className="mt-1 text-sm text-amber-900">Copy it now: the workbench keeps only a hash and cannot show it again. {children}</p>
      <label htmlFor={inputId} className="mt-3 block text-sm font-medium text-amber-950">
        {label}
      </label>
      <div className="mt-1 flex items-center gap-2">
        <input
          id={inputId}
          readOnly
          value={value}
          onFocus={(e) => e.target.select()}
          className={`${controlClass} min-w-0 flex-1 font-mono text-xs`}
          spellCheck={false}
        />
        <CopyButton text={value} label={`Copy ${label.toLowerCase()}`} />
      </div>
      <Button variant="secondary" size="sm" className="mt-3" onClick={onDismiss}>
        I have saved it
      </Button>
    </section>
  );
}

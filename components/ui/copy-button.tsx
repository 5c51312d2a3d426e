"use client";

import { useEffect, useState } from "react";
import { Button, type ButtonProps } from "./button";

export interface CopyButtonProps extends Omit<ButtonProps, "onClick" | "children"> {
  text: string;
  /** What is copied, for screen readers ("Copy primary key"). */
  label: string;
}

/** How long "Copied" shows before the button reads "Copy" again. */
const COPIED_MS = 2000;

/** Copies a text to the clipboard and says so; says so too when the browser refuses. */
export function CopyButton({ text, label, variant = "secondary", size = "sm", ...rest }: CopyButtonProps) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), COPIED_MS);
    return () => clearTimeout(t);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <Button {...rest} variant={variant} size={size} onClick={copy} aria-label={label}>
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Select and copy by hand" : "Copy"}</span>
    </Button>
  );
}

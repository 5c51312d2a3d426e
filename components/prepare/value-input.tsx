"use client";

import { useState } from "react";
import { inputClass } from "@/components/ui/styles";

type Scalar = string | number | boolean;

export interface ValueInputProps {
  id: string;
  value: Scalar | undefined;
  /** The column type the value is compared with or written into. */
  type: string;
  onChange: (value: Scalar | undefined) => void;
  invalid?: boolean;
}

/** Reads typed text as the column's kind of value: a number, true/false, or text. */
export function parseScalar(text: string, type: string): Scalar | undefined {
  if (text === "") return undefined;
  if (type === "number" || type === "integer") {
    const n = Number(text.trim());
    return text.trim() !== "" && Number.isFinite(n) ? n : text;
  }
  if (type === "boolean" && /^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === "true";
  return text;
}

export function ValueInput({ id, value, type, onChange, invalid }: ValueInputProps) {
  const [text, setText] = useState(value === undefined ? "" : String(value));
  return (
    <input
      id={id}
      className={inputClass}
      value={text}
      aria-invalid={invalid || undefined}
      placeholder={type === "boolean" ? "true or false" : type === "datetime" ? "2024-01-31" : ""}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseScalar(e.target.value, type));
      }}
    />
  );
}

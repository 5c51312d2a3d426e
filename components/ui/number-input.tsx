"use client";

import { type InputHTMLAttributes, useEffect, useState } from "react";
import { inputClass } from "./styles";

export interface NumberInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "type"> {
  value: number | undefined;
  /** undefined while the box is empty or holds no number yet. */
  onValueChange: (value: number | undefined) => void;
}

/** A number box that keeps what is typed ("0.", "-") while handing out numbers only. */
/** The number a text holds, or undefined for empty or unfinished text ("-", "1e"). */
function parseNumber(text: string): number | undefined {
  const t = text.trim();
  const n = Number(t);
  return t === "" || !Number.isFinite(n) ? undefined : n;
}

export function NumberInput({ value, onValueChange, className = "", ...rest }: NumberInputProps) {
  const current = value === undefined || Number.isNaN(value) ? undefined : value;
  const [text, setText] = useState(current === undefined ? "" : String(current));
  useEffect(() => {
    // Follow outside changes (a loaded version) without clobbering a half-typed number.
    setText((t) => (parseNumber(t) === current ? t : current === undefined ? "" : String(current)));
  }, [current]);
  return (
    <input
      {...rest}
      type="text"
      inputMode="decimal"
      className={`${inputClass} ${className}`}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onValueChange(parseNumber(e.target.value));
      }}
    />
  );
}

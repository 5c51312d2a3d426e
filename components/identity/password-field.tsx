import { Field, fieldA11y } from "@/components/ui/field";
import { inputClass } from "@/components/ui/styles";

export interface PasswordFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** `current-password` when signing in or confirming, `new-password` when choosing one. */
  autoComplete: "current-password" | "new-password";
  hint?: string;
  error?: string;
}

/** A labelled password input with its hint and error (sign-in, joining, changing a password). */
export function PasswordField({ id, label, value, onChange, autoComplete, hint, error }: PasswordFieldProps) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        {...fieldA11y(id, error, hint !== undefined)}
        type="password"
        autoComplete={autoComplete}
        className={inputClass}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}

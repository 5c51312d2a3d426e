import { ApiError } from "@/components/api/fetch";
import { Notice } from "./notice";

export interface ErrorNoticeProps {
  error: unknown;
  /** Fields already shown next to their controls; they are not repeated here. */
  shownFields?: string[];
  className?: string;
}

/** A failed request as a person reads it: the problem's title, detail and remaining field errors. */
export function ErrorNotice({ error, shownFields = [], className }: ErrorNoticeProps) {
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return (
      <Notice tone="error" title="Something went wrong" className={className}>
        {message === "Failed to fetch" ? "The server could not be reached. Check that the workbench is running." : message}
      </Notice>
    );
  }
  const all = error.problem.errors ?? [];
  const rest = all.filter((e) => !shownFields.includes(e.field));
  // Every problem is already shown beside its field: the detail would only repeat one of them.
  if (all.length > 0 && rest.length === 0) {
    return (
      <Notice tone="error" className={className}>
        {all.length === 1 ? "Please correct the marked field." : "Please correct the marked fields."}
      </Notice>
    );
  }
  return (
    <Notice tone="error" title={error.problem.title} className={className}>
      {error.problem.detail && <p>{error.problem.detail}</p>}
      {rest.length > 0 && (
        <ul className="mt-1 list-disc space-y-0.5 pl-5">
          {rest.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: one problem's errors, shown as sent and never reordered
            <li key={i}>
              <span className="font-mono text-xs">{e.field}</span>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </Notice>
  );
}

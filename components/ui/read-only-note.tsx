import { cardClass } from "./styles";

/** In place of a form a viewer may not use: what their role allows, and who can change it. */
export function ReadOnlyNote({ what }: { what: string }) {
  return (
    <div className={`${cardClass} p-5 text-sm text-slate-600`} data-testid="read-only-note">
      <p className="font-medium text-slate-800">Read-only access</p>
      <p className="mt-1">Your role lets you read everything here but not {what}. An administrator can give you the Editor role.</p>
    </div>
  );
}

import type { ReactNode } from "react";

export interface VersionGroupCardProps {
  name: string;
  /** The heading's content: the name, or a link to it. */
  title?: ReactNode;
  /** The group's versions, newest first. */
  versions: readonly { version: number }[];
  tableClassName: string;
  /** The table's column groups, head and body. */
  children: ReactNode;
}

/** A card for the versions of one name (a dataset, a model): the name, how many versions and the latest, and a table of them. */
export function VersionGroupCard({ name, title = name, versions, tableClassName, children }: VersionGroupCardProps) {
  return (
    <section aria-label={name} className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
      <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-100 px-5 py-3">
        <h2 className="font-semibold">{title}</h2>
        <p className="text-xs text-slate-500">
          {versions.length} {versions.length === 1 ? "version" : "versions"} · latest v{versions[0].version}
        </p>
      </header>
      <div className="overflow-x-auto">
        <table className={tableClassName}>
          <caption className="sr-only">Versions of {name}</caption>
          {children}
        </table>
      </div>
    </section>
  );
}

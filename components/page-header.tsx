import Link from "next/link";
import { Fragment, type ReactNode } from "react";

export interface PageHeaderProps {
  title: ReactNode;
  /** The heading's id, for a section labelled by it. */
  id?: string;
  /** A sentence on what the page holds. */
  intro?: ReactNode;
  className?: string;
}

/** A page's title and the sentence under it. */
export function PageHeader({ title, id, intro, className }: PageHeaderProps) {
  return (
    <div className={className}>
      <h1 id={id} className="text-2xl font-semibold tracking-tight">
        {title}
      </h1>
      {intro && <p className="mt-1 text-sm text-slate-600">{intro}</p>}
    </div>
  );
}

export interface BreadcrumbProps {
  /** The pages above this one, outermost first. */
  links: { href: string; label: string }[];
  /** This page. */
  current: ReactNode;
}

/** Where a page sits: a link to each page above it, then its own name. */
export function Breadcrumb({ links, current }: BreadcrumbProps) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
      {links.map((link) => (
        <Fragment key={link.href}>
          <Link href={link.href} className="hover:text-slate-800 hover:underline">
            {link.label}
          </Link>
          <span aria-hidden className="mx-1.5">
            /
          </span>
        </Fragment>
      ))}
      <span className="text-slate-700">{current}</span>
    </nav>
  );
}

export interface ListPageProps {
  /** The heading's id, which labels the list's section. */
  id: string;
  title: string;
  intro: ReactNode;
  /** The side column: SideColumn elements (a form to add an item, or why the viewer cannot). */
  side: ReactNode;
  /** A wider side column, for a form with more to it. */
  wideSide?: boolean;
  /** The list. */
  children: ReactNode;
}

/** A page of items (projects, datasets, models): its header and list, and a column beside them. */
export function ListPage({ id, title, intro, side, wideSide = false, children }: ListPageProps) {
  return (
    <div className={`grid gap-8 ${wideSide ? "lg:grid-cols-[minmax(0,1fr)_24rem]" : "lg:grid-cols-[minmax(0,1fr)_22rem]"}`}>
      <section aria-labelledby={id}>
        <PageHeader id={id} title={title} intro={intro} className="mb-5" />
        {children}
      </section>
      {side}
    </div>
  );
}

/** A ListPage's side column, starting level with the list below the header. */
export function SideColumn({ labelledBy, children }: { labelledBy?: string; children: ReactNode }) {
  return (
    <aside aria-labelledby={labelledBy} className="lg:pt-[3.75rem]">
      {children}
    </aside>
  );
}

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

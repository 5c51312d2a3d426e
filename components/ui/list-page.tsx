import type { ReactNode } from "react";
import { Can } from "@/components/identity/viewer-context";
import { PageHeader } from "./page-header";
import { ReadOnlyNote } from "./read-only-note";

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

export interface EditorSideColumnProps {
  /** The id of the column's heading. */
  labelledBy: string;
  /** What a viewer may not do here, as ReadOnlyNote says it ("import models"). */
  readOnly: string;
  children: ReactNode;
}

/** A side column of forms for editors; a viewer gets a note on what their role does not allow instead. */
export function EditorSideColumn({ labelledBy, readOnly, children }: EditorSideColumnProps) {
  return (
    <Can
      least="editor"
      otherwise={
        <SideColumn>
          <ReadOnlyNote what={readOnly} />
        </SideColumn>
      }
    >
      <SideColumn labelledBy={labelledBy}>{children}</SideColumn>
    </Can>
  );
}

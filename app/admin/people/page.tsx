import type { Metadata } from "next";
import { InvitePanel } from "@/components/identity/invite-panel";
import { PeopleTable } from "@/components/identity/people-table";
import { sectionTitleClass } from "@/components/ui/styles";

export const metadata: Metadata = { title: "People" };

export default function PeoplePage() {
  return (
    <div className="space-y-10">
      <section aria-labelledby="people-heading">
        <h2 id="people-heading" className={`${sectionTitleClass} mb-1`}>
          People
        </h2>
        <p className="mb-4 text-sm text-slate-600">
          Change someone&apos;s role, or disable their account: a disabled person cannot sign in, and their sessions and tokens stop working.
        </p>
        <PeopleTable />
      </section>
      <InvitePanel />
    </div>
  );
}

import type { ReactNode } from "react";
import { Brand } from "@/components/ui/brand";
import { cardClass } from "@/components/ui/styles";

export interface AuthCardProps {
  title: string;
  /** A sentence under the title. */
  intro?: ReactNode;
  children: ReactNode;
}

/** The frame of the pages a person sees before they are signed in: the mark, a title and one card. */
export function AuthCard({ title, intro, children }: AuthCardProps) {
  return (
    <div className="mx-auto flex min-h-[70vh] max-w-md flex-col justify-center py-8">
      <div className="mb-6 flex justify-center">
        <Brand />
      </div>
      <div className={`${cardClass} p-6 sm:p-8`}>
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {intro && <div className="mt-1 text-sm text-slate-600">{intro}</div>}
        <div className="mt-6">{children}</div>
      </div>
    </div>
  );
}

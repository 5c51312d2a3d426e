import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function DatasetNotFound() {
  return (
    <div className="mx-auto max-w-md rounded-xl border border-slate-200 bg-white p-8 text-center shadow-xs">
      <h1 className="text-lg font-semibold">Dataset version not found</h1>
      <p className="mt-2 text-sm text-slate-600">It may have been deleted, or the link is mistyped.</p>
      <Link href="/datasets" className={`${buttonClass("secondary")} mt-5`}>
        Back to datasets
      </Link>
    </div>
  );
}

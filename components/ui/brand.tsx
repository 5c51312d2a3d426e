import Link from "next/link";

/** The workbench's mark and name, linking home. */
export function Brand() {
  return (
    <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight whitespace-nowrap text-slate-900">
      <span aria-hidden className="grid size-7 place-items-center rounded-md bg-indigo-600 text-sm text-white">
        ML
      </span>
      ML Workbench
    </Link>
  );
}

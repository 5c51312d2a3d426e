/** Class strings shared by form controls and panels, so every page looks the same. */
/** Border, colours and states of every control; widths are added by the users. */
export const controlClass =
  "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/20 disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500 aria-invalid:border-red-400 aria-invalid:focus:ring-red-500/20";

export const inputClass = `block w-full ${controlClass}`;

export const selectClass = inputClass + " pr-8";

export const checkboxClass = "size-4 rounded border-slate-300 text-indigo-600 accent-indigo-600 focus:ring-indigo-500";

export const cardClass = "rounded-xl border border-slate-200 bg-white shadow-xs";

export const sectionTitleClass = "text-base font-semibold text-slate-900";

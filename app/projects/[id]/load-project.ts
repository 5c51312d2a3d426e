import { notFound } from "next/navigation";
import { cache } from "react";
import { getProject } from "@/lib/define/server/projects";
import { isAppError } from "@/lib/shared/errors";
import { withSteps } from "@/lib/steps/state";

/** The project for this request (the layout and the page share one read); 404 when unknown. */
export const loadProject = cache((id: string) => {
  try {
    return withSteps(getProject(id));
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  }
});

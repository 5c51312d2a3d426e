"use client";

import { createContext, type ReactNode, useContext } from "react";
import { pageAccess } from "@/lib/identity/access";
import { atLeast, type Role } from "@/lib/identity/roles";

/** The signed-in person as the root layout reads them from the session (`pageViewer()`). */
export interface Viewer {
  id: string;
  email: string;
  name: string;
  role: Role;
}

const ViewerContext = createContext<Viewer | null>(null);

export interface ViewerProviderProps {
  viewer: Viewer | null;
  children: ReactNode;
}

/** Hands the layout's viewer to every client component below it. */
export function ViewerProvider({ viewer, children }: ViewerProviderProps) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

/** The signed-in person, or null on public pages. */
export const useViewer = (): Viewer | null => useContext(ViewerContext);

/**
 * Whether the viewer holds at least `least`. Only for what is shown: the API checks every call
 * itself. Signed out is never enough.
 */
export function useCan(least: Role): boolean {
  const viewer = useViewer();
  return viewer !== null && atLeast(viewer.role, least);
}

/** Whether `viewer` may open a page, by the same table the proxy uses. */
export function canVisit(viewer: Viewer | null, pathname: string): boolean {
  const access = pageAccess(pathname);
  if (access === "public") return true;
  if (access === "key" || viewer === null) return false;
  return atLeast(viewer.role, access);
}

/** Whether the viewer may open a page, so links to pages they cannot open are left out. */
export const useCanVisit = (pathname: string): boolean => canVisit(useViewer(), pathname);

export interface CanProps {
  least: Role;
  children: ReactNode;
  /** Shown instead, to those below `least`. */
  otherwise?: ReactNode;
}

/** Renders its children only for a viewer of at least `least`: a gate server components can use too. */
export function Can({ least, children, otherwise = null }: CanProps) {
  return <>{useCan(least) ? children : otherwise}</>;
}

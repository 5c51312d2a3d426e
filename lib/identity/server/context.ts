import { AsyncLocalStorage } from "node:async_hooks";
import type { Role } from "../roles";

/** Who is making the current request: a person by session cookie, or by a personal API token. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  /** The effective role: a token's role capped by its owner's current role. */
  role: Role;
  via: "session" | "token";
  tokenId?: string;
}

/** The request's caller and address, for domain code that records who did something (audit, quotas, createdBy). */
export interface CallContext {
  principal: Principal | null;
  ip: string | null;
}

declare global {
  /** One store on globalThis: Next's bundles and the plain-Node modules may each load a copy of this file. */
  var __workbenchCallContext: AsyncLocalStorage<CallContext> | undefined;
}
const als = (globalThis.__workbenchCallContext ??= new AsyncLocalStorage<CallContext>());

export const runWithCall = <T>(ctx: CallContext, fn: () => T): T => als.run(ctx, fn);

/** The current request's context; null outside a request (the worker, the CLI, timers). */
export const currentCall = (): CallContext | null => als.getStore() ?? null;

/** The person making the current request, if any. */
export const currentPrincipal = (): Principal | null => als.getStore()?.principal ?? null;

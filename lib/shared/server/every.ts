declare global {
  /** The rounds started in this process, by name. */
  var __workbenchRounds: Map<string, NodeJS.Timeout> | undefined;
}
const rounds = (globalThis.__workbenchRounds ??= new Map());

/**
 * Runs `round` every `ms` in this process, in the background: once per `name` however often it is
 * started (the copies of a module that tsx and Next's bundle load share it), never two rounds at
 * once (ticks that come while one runs are skipped), a round that fails logged under `name`. The
 * timer does not keep the process alive. `now`: the first round at once, not after `ms`.
 */
export function runEvery(name: string, ms: number, round: () => unknown, opts: { now?: boolean } = {}): void {
  if (rounds.has(name)) return;
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    Promise.resolve()
      .then(round)
      .catch((e) => console.error(`[${name}] a round failed`, e))
      .finally(() => (running = false));
  };
  const timer = setInterval(tick, ms);
  timer.unref();
  rounds.set(name, timer);
  if (opts.now) tick();
}

/** Stops the rounds of `name` (tests). */
export function stopEvery(name: string): void {
  clearInterval(rounds.get(name));
  rounds.delete(name);
}

import { deployShopModel, queueShopModel } from "@/lib/samples/demo";
import { jobWork } from "@/lib/integrate/server/batch/job-runner";
import { deployOjModel, queueOjModel } from "@/lib/samples/oj-demo";
import { runWork } from "@/lib/train/server/work";
import type { WorkRegistry } from "./loop";

/**
 * The one list of what the workers do, each step's kind of work on its lane: so the loop imports
 * no step, and no step imports a later one to have its work done after another's (the demos deploy
 * the runs they queued).
 */
export const WORK: WorkRegistry = {
  kinds: [
    { lane: "train", ...runWork },
    { lane: "batch", ...jobWork },
  ],
  hooks: [
    { name: "the web-shop demo", follows: "run", start: queueShopModel, after: (run) => deployShopModel(run.id) },
    { name: "the orange-juice demo", follows: "run", start: queueOjModel, after: (run) => deployOjModel(run.id) },
  ],
};

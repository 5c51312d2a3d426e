/**
 * Import boundaries (`npm run lint:deps`). The steps of the process, in order: each step's code
 * may use the steps before it, never one after it. lib/shared, lib/identity (who may do what) and
 * db are beneath every step; lib/samples (the demo projects, made through every step), app and
 * components are above them. Components keep the same order among themselves: components/<step>
 * for each step, beneath them components/ui, components/api and components/identity.
 */
const STEPS = ["define", "data", "prepare", "train", "integrate", "monitor"];

/**
 * What a step's components may read of a later step, and why. The project's definition names its
 * target among the attached dataset's columns, as lib/define checks it on the server (from the
 * table itself, which a browser cannot read).
 */
const COMPONENT_READS = {
  define: { path: "^components/data/queries\\.ts$", why: "the attached dataset's columns (components/data/queries.ts), where the target is chosen" },
};

/** A test may set up what it needs through any step. */
const TESTS = "\\.test\\.tsx?$|\\.fixture\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...STEPS.slice(0, -1).map((step, i) => ({
      name: `${step}-not-later-steps`,
      comment: `${step} is step ${i + 1}: it may use ${["shared", ...STEPS.slice(0, i)].join(", ")}, never a later step (${STEPS.slice(i + 1).join(", ")}).`,
      severity: "error",
      from: { path: `^lib/${step}/`, pathNot: TESTS },
      to: { path: `^lib/(${STEPS.slice(i + 1).join("|")})/` },
    })),
    {
      name: "shared-not-steps",
      comment: "lib/shared is beneath every step: it imports none of them (nor the demo samples).",
      severity: "error",
      from: { path: "^lib/shared/", pathNot: TESTS },
      to: { path: `^lib/(${STEPS.join("|")}|samples)/` },
    },
    {
      name: "identity-not-steps",
      comment: "lib/identity (people, roles, the access table) is beneath every step: it imports none of them.",
      severity: "error",
      from: { path: "^lib/identity/", pathNot: TESTS },
      to: { path: `^lib/(${STEPS.join("|")}|samples)/` },
    },
    ...STEPS.slice(0, -1).map((step, i) => ({
      name: `components-${step}-not-later-steps`,
      comment: `components/${step} shows step ${i + 1}: like lib/${step}, it never imports a later step's components (${STEPS.slice(i + 1).join(", ")})${COMPONENT_READS[step] ? `, but for ${COMPONENT_READS[step].why}` : ""}.`,
      severity: "error",
      from: { path: `^components/${step}/`, pathNot: TESTS },
      to: { path: `^components/(${STEPS.slice(i + 1).join("|")})/`, ...(COMPONENT_READS[step] ? { pathNot: COMPONENT_READS[step].path } : {}) },
    })),
    {
      name: "components-shared-not-steps",
      comment:
        "components/ui (shared pieces), components/api (the HTTP client) and components/identity are beneath every step's components: they import none of them.",
      severity: "error",
      from: { path: "^components/(ui|api|identity)/", pathNot: TESTS },
      to: { path: `^components/(${STEPS.join("|")})/` },
    },
    {
      name: "components-api-not-ui",
      comment: "components/api (fetching, the answers' types) renders nothing: it imports no component.",
      severity: "error",
      from: { path: "^components/api/", pathNot: TESTS },
      to: { path: "^components/(?!api/)" },
    },
    {
      name: "components-not-server",
      comment: "Components run in the browser: from server code (any server/ folder, db) they import types only.",
      severity: "error",
      from: { path: "^components/" },
      to: { path: "(^|/)server/|^db/", dependencyTypesNot: ["type-only", "type-import"] },
    },
    {
      name: "app-not-db",
      comment: "Pages and route handlers reach the database through lib, never db itself (types excepted).",
      severity: "error",
      from: { path: "^app/" },
      to: { path: "^db/", dependencyTypesNot: ["type-only", "type-import"] },
    },
    {
      name: "no-circular",
      comment: "A cycle of imports: the modules cannot be understood (or loaded) one before the other.",
      severity: "error",
      from: {},
      // Through runtime imports: a cycle of type-only imports loads nothing and orders nothing.
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only", "type-import"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.next|data|test-results|public)/" },
    // Type-only imports are seen (as "type-only"), so the rules above can let them through.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

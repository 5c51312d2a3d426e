export * from "./projects";
export * from "./datasets";
export * from "./recipes";

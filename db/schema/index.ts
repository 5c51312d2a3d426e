export * from "./projects";
export * from "./datasets";
export * from "./recipes";
export * from "./runs";
export * from "./models";
export * from "./endpoints";
export * from "./jobs";

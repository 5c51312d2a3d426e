import { describe, expect, it } from "vitest";
import { apiPattern, apiRule, pageAccess } from "./access";
import { atLeast, lesserRole } from "./roles";

describe("the access table", () => {
  it("matches the most specific route, as Next does", () => {
    expect(apiPattern("/api/models/import")).toBe("/api/models/import");
    expect(apiPattern("/api/models/mdl_1")).toBe("/api/models/[id]");
    expect(apiPattern("/api/jobs/job_1/output.csv")).toBe("/api/jobs/[id]/output.csv");
    expect(apiPattern("/api/invites/accept")).toBe("/api/invites/accept");
    expect(apiPattern("/api/invites/inv_1")).toBe("/api/invites/[id]");
    expect(apiPattern("/api/anything/else/here")).toBe("/api/[[...path]]");
    expect(apiPattern("/api")).toBe("/api/[[...path]]");
    expect(apiPattern("/api/endpoints/shop/nosuch")).toBe("/api/[[...path]]");
    expect(apiPattern("/v2")).toBe("/v2/[[...path]]");
    expect(apiPattern("/v2/models/shop/infer/more")).toBe("/v2/[[...path]]");
    expect(apiPattern("/v2/models/shop")).toBe("/v2/models/[name]");
    expect(apiPattern("/apinosuch")).toBeNull();
    expect(apiPattern("/api/auth/sign-in/email")).toBe("/api/auth/[...all]");
    expect(apiPattern("/v2/models/shop/infer")).toBe("/v2/models/[name]/infer");
    expect(apiPattern("/elsewhere")).toBeNull();
  });

  it("gives each method its least role, and a method without an entry needs a signed-in caller", () => {
    expect(apiRule("/api/endpoints/web-shop/keys", "POST")).toMatchObject({ access: "editor", audit: "endpoint.key.rotate" });
    expect(apiRule("/api/endpoints/web-shop/score", "POST")?.access).toBe("key");
    expect(apiRule("/api/health", "GET")?.access).toBe("public");
    expect(apiRule("/api/audit", "GET")?.access).toBe("admin");
    expect(apiRule("/api/datasets/ds_1/rows", "GET")?.access).toBe("editor");
    expect(apiRule("/api/reports/rep_1/data", "GET")?.access).toBe("viewer");
    expect(apiRule("/api/health", "DELETE")?.access).toBe("viewer");
    expect(apiRule("/api/health", "HEAD")?.access).toBe("public");
    expect(apiRule("/api/audit", "HEAD")?.access).toBe("admin");
    // Unknown paths: a signed-in caller's under /api, anyone's under /v2 (as every V2 route is).
    expect(apiRule("/api/nosuch", "PUT")?.access).toBe("viewer");
    expect(apiRule("/v2/nosuch", "POST")?.access).toBe("public");
  });

  it("pages: public sign-in and shop, editors' data pages, administrators' pages, and closed for unknown paths", () => {
    expect(pageAccess("/sign-in")).toBe("public");
    expect(pageAccess("/shop/123")).toBe("public");
    expect(pageAccess("/")).toBe("viewer");
    expect(pageAccess("/reports/rep_1")).toBe("viewer");
    expect(pageAccess("/datasets/ds_1")).toBe("editor");
    expect(pageAccess("/admin/audit")).toBe("admin");
    expect(pageAccess("/somewhere/new")).toBe("admin");
  });

  it("ranks roles", () => {
    expect(atLeast("admin", "editor")).toBe(true);
    expect(atLeast("viewer", "editor")).toBe(false);
    expect(lesserRole("admin", "viewer")).toBe("viewer");
    expect(lesserRole("editor", "admin")).toBe("editor");
  });
});

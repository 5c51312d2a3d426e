import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Commit subjects from this commit on are held to MAX characters (the ones before were written before the rule). */
const SINCE = "6e911067bde4e7828d3ce5347f3fb5d4f20c70a2";
const MAX = 72;

/** The subjects of the commits since SINCE; null where the history is not here (a release tarball, a shallow clone). */
function subjects(): string[] | null {
  try {
    execFileSync("git", ["cat-file", "-e", `${SINCE}^{commit}`], { stdio: "ignore" });
    return execFileSync("git", ["log", "--no-merges", "--format=%s", `${SINCE}..HEAD`], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
  } catch {
    return null;
  }
}

describe("commit subjects", () => {
  const list = subjects();
  it.skipIf(list === null)(`are at most ${MAX} characters, the why in the body`, () => {
    expect(list!.filter((s) => s.length > MAX)).toEqual([]);
  });
});

/** Versions grouped by name, each group newest version first; groups in the order their names first appear. */
export function groupVersions<T extends { name: string; version: number }>(items: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.name, [...(groups.get(item.name) ?? []), item]);
  return [...groups].map(([name, versions]) => [name, [...versions].sort((a, b) => b.version - a.version)]);
}

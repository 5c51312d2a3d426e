/** An SQLite identifier (a job's output table, a column named by a user) quoted for SQL text. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

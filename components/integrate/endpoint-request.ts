/**
 * What the test console sends and the snippets that send the same: browser-safe pure functions.
 */
import type { ColumnType } from "@/components/api/types";

export interface InputColumn {
  name: string;
  type: string;
}

/** The value a person entered per column: text for most, "" / "true" / "false" for booleans. */
export type FormValues = Record<string, string>;

/** Items a recommendation answer lists unless the form says otherwise. */
export const DEFAULT_K = 10;
/** The row field a recommendation request names its item by. */
export const ITEM_ID_FIELD = "itemId";

const NUMERIC: readonly string[] = ["number", "integer"] satisfies ColumnType[];

/** How a column is entered in the generated form. */
export function inputKind(type: string): "number" | "boolean" | "text" {
  if (NUMERIC.includes(type)) return "number";
  return type === "boolean" ? "boolean" : "text";
}

/**
 * One cell from what was typed: empty is null (the model's recipe imputes it); a number column's
 * text that is not a number is sent as it is, so the endpoint names the field in its answer.
 */
function cellOf(text: string, type: string): string | number | boolean | null {
  const t = text.trim();
  if (t === "") return null;
  const kind = inputKind(type);
  if (kind === "number") return Number.isFinite(Number(t)) ? Number(t) : t;
  if (kind === "boolean") return t === "true" ? true : t === "false" ? false : t;
  return text;
}

/** The request body the form makes: one row of the schema's columns, or an item and k for a recommender. */
export function bodyFromForm(opts: { recommendation: boolean; schema: InputColumn[]; values: FormValues; k: string }): unknown {
  if (opts.recommendation) {
    const k = Number(opts.k);
    const itemId = opts.values[ITEM_ID_FIELD] ?? "";
    return { rows: [{ [ITEM_ID_FIELD]: itemId.trim() === "" ? null : itemId }], ...(opts.k.trim() === "" ? {} : { k: Number.isFinite(k) ? k : opts.k }) };
  }
  return { rows: [Object.fromEntries(opts.schema.map((c) => [c.name, cellOf(opts.values[c.name] ?? "", c.type)]))] };
}

/** The form's columns: the schema's, or the item field of a recommender. */
export function formColumns(recommendation: boolean, schema: InputColumn[]): InputColumn[] {
  return recommendation ? [{ name: ITEM_ID_FIELD, type: "category" }] : schema;
}

/** `rows[0].price` → `price`: the column a field error of the first row is about. */
export function columnOfField(field: string): string | null {
  const m = /^rows\[0\]\.(.+)$/.exec(field);
  return m ? m[1] : null;
}

// ---------------------------------------------------------------------------------------------
// Snippets

/** The environment variable the snippets read the key from. */
export const KEY_ENV_VAR = "WORKBENCH_KEY";

export type SnippetLanguage = "curl" | "javascript" | "python";

/** The body as parsed JSON, or undefined when the text is not JSON (it is then sent as it is). */
function parseBody(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A JSON value written as a Python literal (True, False, None), indented like json.dumps(indent=4). */
export function pythonLiteral(value: unknown, indent = 0): string {
  const pad = " ".repeat(indent + 4);
  const end = " ".repeat(indent);
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "None";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => pad + pythonLiteral(v, indent + 4)).join(",\n")},\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pythonLiteral(v, indent + 4)}`).join(",\n")},\n${end}}`;
}

/** A ready-to-run request in each language, with the absolute URL and the key from $WORKBENCH_KEY. */
export function snippet(language: SnippetLanguage, url: string, bodyText: string): string {
  const parsed = parseBody(bodyText);
  const compact = parsed.ok ? JSON.stringify(parsed.value) : bodyText;
  if (language === "curl") {
    return [
      `curl -sS -X POST ${shellQuote(url)} \\`,
      `  -H "Authorization: Bearer $${KEY_ENV_VAR}" \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  -d ${shellQuote(compact)}`,
    ].join("\n");
  }
  if (language === "javascript") {
    const body = parsed.ok ? `JSON.stringify(${JSON.stringify(parsed.value, null, 2).replace(/\n/g, "\n  ")})` : JSON.stringify(bodyText);
    return [
      `const res = await fetch(${JSON.stringify(url)}, {`,
      `  method: "POST",`,
      `  headers: {`,
      `    Authorization: \`Bearer \${process.env.${KEY_ENV_VAR}}\`,`,
      `    "Content-Type": "application/json",`,
      `  },`,
      `  body: ${body},`,
      `});`,
      `if (!res.ok) throw new Error(\`\${res.status}: \${await res.text()}\`);`,
      `const { predictions, model, requestId } = await res.json();`,
      `console.log(predictions, res.headers.get("x-model-version"), requestId);`,
    ].join("\n");
  }
  // requests sets the JSON content type itself for `json=`; raw text needs it said.
  const contentType = parsed.ok ? "" : `, "Content-Type": "application/json"`;
  return [
    "import os",
    "",
    "import requests",
    "",
    "response = requests.post(",
    `    ${JSON.stringify(url)},`,
    `    headers={"Authorization": f"Bearer {os.environ['${KEY_ENV_VAR}']}"${contentType}},`,
    parsed.ok ? `    json=${pythonLiteral(parsed.value, 4)},` : `    data=${JSON.stringify(bodyText)},`,
    "    timeout=10,",
    ")",
    "response.raise_for_status()",
    "answer = response.json()",
    `print(answer["predictions"], response.headers["x-model-version"], answer["requestId"])`,
  ].join("\n");
}

const ALPHABET = "0123456789abcdefghijkmnpqrstuvwxyz";
const ID_LENGTH = 16;

/** A short random id with a readable prefix: `prj_4k2m...`. Works in the browser and in Node. */
export function newId(prefix: string): string {
  const bytes = new Uint8Array(ID_LENGTH);
  crypto.getRandomValues(bytes);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${out}`;
}

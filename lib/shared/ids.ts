const ALPHABET = "0123456789abcdefghijkmnpqrstuvwxyz";
const ID_LENGTH = 16;

/** Random bytes drawn ahead, many ids' worth per call: every scored request takes an id, and one call per id was a measurable share of it. */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let poolAt = 0;

/** A short random id with a readable prefix: `prj_4k2m...`. Works in the browser and in Node. Not a secret (keys are made elsewhere). */
export function newId(prefix: string): string {
  if (poolAt + ID_LENGTH > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    poolAt = 0;
  }
  let out = "";
  for (let i = 0; i < ID_LENGTH; i++) out += ALPHABET[pool[poolAt + i] % ALPHABET.length];
  poolAt += ID_LENGTH;
  return `${prefix}_${out}`;
}

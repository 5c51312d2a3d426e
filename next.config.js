/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and heavy server packages stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "busboy", "csv-parse", "@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm"],
  // `next dev` on 127.0.0.1 (the tests use that address) needs it listed for hot reload.
  allowedDevOrigins: ["127.0.0.1"],
  // The build checks the app's own code; `npm test` type-checks everything (tests, benches too).
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

module.exports = nextConfig;

const dev = process.env.NODE_ENV !== "production";

/**
 * Security headers on every page and API answer. The policy is the one the app passes: Next's
 * inline bootstrap scripts ('unsafe-inline'), tfjs's WebAssembly backend ('wasm-unsafe-eval'),
 * recharts' inline styles; React's dev tooling needs 'unsafe-eval' under `next dev` only.
 */
const CSP = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? " ws:" : ""}`,
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CSP },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and heavy server packages stay outside the server bundle.
  serverExternalPackages: [
    "better-sqlite3",
    "@duckdb/node-api",
    "@duckdb/node-bindings",
    "busboy",
    "csv-parse",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-backend-wasm",
  ],
  // `next dev` on 127.0.0.1 (the tests use that address) needs it listed for hot reload.
  allowedDevOrigins: ["127.0.0.1"],
  // The build checks the app's own code; `npm test` type-checks everything (tests, benches too).
  typescript: { tsconfigPath: "tsconfig.build.json" },
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
  // Step 5's page was at /deploy before the step was called integrate everywhere: old links and bookmarks still land.
  async redirects() {
    return [{ source: "/projects/:id/deploy", destination: "/projects/:id/integrate", permanent: true }];
  },
};

module.exports = nextConfig;

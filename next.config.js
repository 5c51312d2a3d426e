/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and heavy server packages stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "busboy", "csv-parse"],
  // Uploads stream through route handlers; keep Next from buffering large bodies in proxies.
  experimental: {},
};

module.exports = nextConfig;

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The custom server (server/main.ts) owns the database and hands it to route
  // handlers through server/runtime.ts; these stay out of the bundle.
  serverExternalPackages: ['pino', 'pg', '@electric-sql/pglite', 'bcryptjs', 'drizzle-orm'],
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;

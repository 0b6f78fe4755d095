/** @type {import('next').NextConfig} */
const nextConfig = {
  // The custom server (server/main.ts) owns the database and hands it to route
  // handlers through server/runtime.ts; these stay out of the bundle.
  serverExternalPackages: ['pino', 'pg', '@electric-sql/pglite', '@node-rs/bcrypt', 'drizzle-orm'],
  poweredByHeader: false,
  reactStrictMode: true,
  // The app's type check leaves tests and benches out: a test's type error must not stop `npm start`
  // (`npm run typecheck` checks everything).
  typescript: { ignoreBuildErrors: false, tsconfigPath: 'tsconfig.next.json' },
};

export default nextConfig;

import type { ReactNode } from 'react';
import Link from 'next/link';
import './globals.css';
import { currentUser } from '@/server/auth/current';
import { logout } from './(login)/actions';
import { runtime } from '@/server/runtime';
import { WhoAmI } from '@/components/nav/WhoAmI';

export const metadata = { title: 'Tandem', description: 'Label together with a model that learns as you go' };
export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser().catch(() => null);
  const projectRoles = user ? await runtime().services.projects.roles(user.principal).catch(() => ({})) : {};
  return (
    <html lang="en">
      <body>
        <nav className="topbar">
          <Link href="/" className="brand">Tandem</Link>
          {user?.role === 'admin' && <Link href="/admin">Admin</Link>}
          <span className="spacer" />
          {user && (
            <form action={logout} className="inline">
              <WhoAmI email={user.email} userRole={user.role} projectRoles={projectRoles} />
              <button type="submit">Log out</button>
            </form>
          )}
        </nav>
        <main>{children}</main>
      </body>
    </html>
  );
}

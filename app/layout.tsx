import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { UserBar } from '@/components/auth/user-bar';
import { can } from '@/lib/auth/guard';
import { currentPrincipal } from './auth';
import { Providers } from './providers';

export const metadata: Metadata = {
  title: { default: 'Strata', template: '%s · Strata' },
  description: 'A web console for PostgreSQL schema operations.',
  // Static assets live in public/ (with robots.txt), served as they are.
  icons: { icon: { url: '/icon.svg', type: 'image/svg+xml' } },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#fafafa',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const principal = await currentPrincipal();
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 font-sans text-zinc-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow"
        >
          Skip to content
        </a>
        {principal && <UserBar principal={principal} />}
        <Providers lockWait={{ canCancel: can(principal, 'operation.cancel'), canTerminate: can(principal, 'lock.terminate') }}>{children}</Providers>
      </body>
    </html>
  );
}

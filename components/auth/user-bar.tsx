import Link from 'next/link';
import { signOut } from '@/app/auth';
import { can } from '@/lib/auth/guard';
import type { Principal } from '@/lib/auth/types';

/** Who is signed in, with which role, where they can go, and the way out. */
export function UserBar({ principal }: { principal: Principal }) {
  async function leave() {
    'use server';
    await signOut({ redirectTo: '/sign-in' });
  }
  const links = [
    { href: '/', label: 'Environments', show: true },
    { href: '/approvals', label: 'Approvals', show: true },
    { href: '/audit', label: 'Audit', show: can(principal, 'audit.read') },
    { href: '/users', label: 'Users', show: can(principal, 'users.manage') },
  ].filter((l) => l.show);
  return (
    <div className="flex h-9 items-center gap-4 border-b border-zinc-800 bg-zinc-900 px-4 text-xs text-zinc-300 sm:px-6" data-testid="user-bar">
      <nav aria-label="Console" className="flex gap-4">
        {links.map((l) => (
          <Link key={l.href} href={l.href} className="font-medium hover:text-white">
            {l.label}
          </Link>
        ))}
      </nav>
      <span className="ml-auto" data-testid="signed-in-as">
        <span className="font-semibold text-white">{principal.username}</span> · {principal.role}
      </span>
      <form action={leave}>
        <button type="submit" className="rounded px-2 py-1 font-medium hover:bg-zinc-700 hover:text-white">
          Sign out
        </button>
      </form>
    </div>
  );
}

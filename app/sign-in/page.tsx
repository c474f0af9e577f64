import type { Metadata } from 'next';
import { AuthError } from 'next-auth';
import { redirect } from 'next/navigation';
import { currentPrincipal, oidcEnabled, signIn } from '@/app/auth';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

const MESSAGES: Record<string, string> = {
  invalid: 'Wrong user name or password, or the account is disabled.',
  throttled: 'Too many failed sign-ins. Wait a little, then try again.',
  oidc: 'Single sign-on did not complete. Try again, or sign in with a password.',
};

/**
 * Signs in with a user name and password (or single sign-on when configured). A failed
 * attempt comes back here with a readable reason; the reason never says which of user
 * name or password was wrong.
 */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string; code?: string }> }) {
  if (await currentPrincipal()) redirect('/');
  const { error, code } = await searchParams;
  const message = error ? (MESSAGES[code ?? ''] ?? MESSAGES[error === 'CredentialsSignin' ? 'invalid' : 'oidc']) : null;

  async function withPassword(form: FormData) {
    'use server';
    try {
      await signIn('credentials', { username: form.get('username'), password: form.get('password'), redirectTo: '/' });
    } catch (e) {
      // next-auth redirects by throwing; only its own errors are answers for the form.
      if (e instanceof AuthError) redirect(`/sign-in?error=CredentialsSignin&code=${encodeURIComponent((e as { code?: string }).code ?? 'invalid')}`);
      throw e;
    }
  }

  async function withSso() {
    'use server';
    await signIn('oidc', { redirectTo: '/' });
  }

  return (
    <main id="main" className="flex min-h-dvh items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-bold tracking-tight text-zinc-900">Sign in to Strata</h1>
        <p className="mt-1 text-sm text-zinc-600">PostgreSQL schema operations, environment by environment.</p>
        {message && (
          <p role="alert" data-testid="sign-in-error" className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
            {message}
          </p>
        )}
        <form action={withPassword} className="mt-6 flex flex-col gap-4">
          <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
            User name
            <input name="username" autoComplete="username" required autoFocus className="rounded-md border border-zinc-300 px-3 py-2 font-normal" />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
            Password
            <input name="password" type="password" autoComplete="current-password" required className="rounded-md border border-zinc-300 px-3 py-2 font-normal" />
          </label>
          <button type="submit" className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-semibold text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600">
            Sign in
          </button>
        </form>
        {oidcEnabled() && (
          <form action={withSso} className="mt-4">
            <button type="submit" className="w-full rounded-md px-4 py-2 text-sm font-semibold text-zinc-800 ring-1 ring-zinc-300 hover:bg-zinc-50">
              Sign in with {process.env.STRATA_OIDC_NAME ?? 'single sign-on'}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}

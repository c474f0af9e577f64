import 'server-only';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import type { Provider } from 'next-auth/providers';
import { loadConfig } from '@/lib/config/environments';
import { consoleSecrets } from '@/lib/config/console-secrets';
import { withConsole } from '@/lib/auth/console-db';
import { signIn as checkCredentials } from '@/lib/auth/sign-in';
import { getUser, getUserByOidcSubject, upsertOidcUser } from '@/lib/auth/users';
import { recordAudit } from '@/lib/console/audited';
import { auditRefusal } from '@/lib/console/refusals';
import { requestClientAddress } from '@/lib/http/client-address';
import { ROLES, type Principal, type Role } from '@/lib/auth/types';

/**
 * Sign-in for the console (next-auth v5): a Credentials provider against console.users
 * (scrypt hashes, throttled per address and per user name: lib/auth/sign-in.ts), and an OpenID Connect provider when
 * STRATA_OIDC_ISSUER, STRATA_OIDC_CLIENT_ID and STRATA_OIDC_CLIENT_SECRET are set. Sessions
 * are signed JWT cookies that expire (STRATA_SESSION_HOURS, default 8); the user's role and
 * status are re-read on every request, so a role change or a disabled account takes
 * effect at once. Every sign-in, good or bad, is audited.
 */

class ThrottledSignIn extends CredentialsSignin {
  code = 'throttled';
}
class InvalidSignIn extends CredentialsSignin {
  code = 'invalid';
}

function oidcProvider(): Provider | null {
  const { STRATA_OIDC_ISSUER: issuer, STRATA_OIDC_CLIENT_ID: clientId, STRATA_OIDC_CLIENT_SECRET: clientSecret } = process.env;
  if (!issuer || !clientId || !clientSecret) return null;
  return { id: 'oidc', name: process.env.STRATA_OIDC_NAME ?? 'Single sign-on', type: 'oidc', issuer, clientId, clientSecret };
}

function defaultOidcRole(): Role {
  const role = process.env.STRATA_OIDC_DEFAULT_ROLE;
  return ROLES.includes(role as Role) ? (role as Role) : 'viewer';
}

export const oidcEnabled = () => oidcProvider() !== null;

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const config = loadConfig();
  const { authSecret } = consoleSecrets(config);
  const oidc = oidcProvider();
  return {
    secret: authSecret,
    trustHost: true,
    session: { strategy: 'jwt', maxAge: Number(process.env.STRATA_SESSION_HOURS ?? 8) * 3600 },
    pages: { signIn: '/sign-in' },
    providers: [
      Credentials({
        credentials: { username: { label: 'User name' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, request) {
          const username = String(credentials?.username ?? '').trim().toLowerCase();
          const password = String(credentials?.password ?? '');
          // The address the front door saw on the connection (never a header the client chose).
          const ip = requestClientAddress(request?.headers);
          const result = await withConsole(config, (sql) => checkCredentials(sql, { username, password, ip }));
          const actor = username.slice(0, 60) || '(empty)';
          if (result.ok) {
            await recordAudit(config, { actor, role: result.user.role, action: 'sign-in', outcome: 'ok', detail: `from ${ip}` });
            return { id: String(result.user.id), name: result.user.username };
          }
          // Refused sign-ins are refusals: audited one by one up to a rate per name and address, so a flood cannot grow the trail without bound.
          await auditRefusal(config, { actor, role: '-', action: 'sign-in', detail: result.reason, source: ip });
          if (result.reason === 'throttled') throw new ThrottledSignIn();
          throw new InvalidSignIn();
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== 'oidc') return true;
        const subject = String(profile?.sub ?? '');
        const username = String(profile?.preferred_username ?? profile?.email ?? subject).toLowerCase().replace(/[^a-z0-9._-]/g, '-').slice(0, 40);
        const user = await withConsole(config, (sql) => upsertOidcUser(sql, { subject, username, displayName: (profile?.name as string) ?? null }, defaultOidcRole()));
        await recordAudit(config, { actor: user.username, role: user.role, action: 'sign-in', outcome: user.disabled ? 'denied' : 'ok', detail: 'oidc' });
        return !user.disabled;
      },
      async jwt({ token, user, account, profile }) {
        if (user?.name) token.username = user.name;
        // An SSO identity is its subject, never a name that could match a local user.
        if (account?.provider === 'oidc' && profile?.sub) {
          const found = await withConsole(config, (sql) => getUserByOidcSubject(sql, String(profile.sub)));
          if (found) token.username = found.username;
        }
        // Re-read on every request: a disabled user or a changed role takes effect at once.
        const current = typeof token.username === 'string' ? await withConsole(config, (sql) => getUser(sql, token.username as string)) : null;
        if (!current || current.disabled) return null;
        token.role = current.role;
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, name: token.username as string, role: token.role as Role } };
      },
    },
  };
});

/** The signed-in person as the guard sees them, or null. */
export async function currentPrincipal(): Promise<Principal | null> {
  const session = await auth();
  const user = session?.user as { name?: string; role?: Role } | undefined;
  if (!user?.name || !user.role) return null;
  return { username: user.name, role: user.role, via: 'console' };
}

import Link from 'next/link';
import { loadConfig } from '@/lib/config/environments';

/** An unknown environment or table: say so, and offer the environments that do exist. */
export default function EnvironmentNotFound() {
  const names = loadConfig().environments.map((e) => e.name);
  return (
    <main id="main" className="mx-auto flex max-w-xl flex-col items-start gap-4 px-4 py-24 sm:px-6">
      <p className="text-sm font-semibold text-zinc-500">404</p>
      <h1 className="text-3xl font-bold tracking-tight text-zinc-900">Not found in Strata</h1>
      <p className="text-zinc-600">
        There is no such environment or table. Known environments:{' '}
        {names.map((name, i) => (
          <span key={name}>
            {i > 0 && ', '}
            <Link href={`/environments/${name}/erd`} className="font-medium text-blue-700 hover:underline">
              {name}
            </Link>
          </span>
        ))}
        .
      </p>
      <Link href="/" className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700">
        Back to environments
      </Link>
    </main>
  );
}

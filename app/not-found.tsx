import Link from 'next/link';

export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex max-w-xl flex-col items-start gap-4 px-4 py-24 sm:px-6">
      <p className="text-sm font-semibold text-zinc-500">404</p>
      <h1 className="text-3xl font-bold tracking-tight text-zinc-900">Page not found</h1>
      <p className="text-zinc-600">There is nothing at this address in the Strata console.</p>
      <Link href="/" className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700">
        Back to environments
      </Link>
    </main>
  );
}

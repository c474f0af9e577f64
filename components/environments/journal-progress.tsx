/** How far along the journal an environment is: a bar, so environments compare at a glance. */
export function JournalProgress({ applied, total, percent, label }: { applied: number; total: number; percent: number; label: string }) {
  const complete = total > 0 && applied === total;
  return (
    <div
      role="meter"
      aria-label="Change sets applied"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={applied}
      aria-valuetext={label}
      title={label}
      className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200"
    >
      <div className={`h-full rounded-full ${complete ? 'bg-emerald-600' : 'bg-zinc-700'}`} style={{ width: `${percent}%` }} />
    </div>
  );
}

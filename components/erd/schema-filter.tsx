'use client';

import { Popover } from './popover';
import { schemaColor } from './schema-colors';

export interface SchemaOption {
  name: string;
  tables: number;
}

/** Which PostgreSQL schemas the diagram shows; bookkeeping schemas are a separate switch. */
export function SchemaFilter({
  schemas,
  hidden,
  onToggle,
  onOnly,
  includeBookkeeping,
  onBookkeeping,
}: {
  schemas: SchemaOption[];
  hidden: ReadonlySet<string>;
  onToggle: (schema: string) => void;
  onOnly: (schema: string | null) => void;
  includeBookkeeping: boolean;
  onBookkeeping: (on: boolean) => void;
}) {
  const shown = schemas.filter((s) => !hidden.has(s.name)).length;
  return (
    <Popover label="Schemas" summary={`${shown}/${schemas.length}`} testId="schema-filter">
      {() => (
        <fieldset className="flex max-h-96 flex-col gap-1 overflow-auto">
          <legend className="sr-only">Schemas shown</legend>
          {schemas.map((s) => (
            <label key={s.name} className="flex cursor-pointer items-center gap-2 rounded px-2 py-1 text-sm hover:bg-zinc-50">
              <input type="checkbox" checked={!hidden.has(s.name)} onChange={() => onToggle(s.name)} className="size-4 accent-blue-600" />
              <span aria-hidden="true" className="size-2.5 rounded-sm" style={{ background: schemaColor(s.name).header }} />
              <span className="font-mono">{s.name}</span>
              <span className="ml-auto pl-4 text-xs text-zinc-500 tabular-nums">{s.tables}</span>
              <button
                type="button"
                onClick={(e) => {
                  e.preventDefault();
                  onOnly(s.name);
                }}
                className="rounded px-1 text-xs text-blue-700 hover:underline"
                aria-label={`Show only ${s.name}`}
              >
                only
              </button>
            </label>
          ))}
          <div className="mt-1 flex items-center justify-between border-t border-zinc-100 px-2 pt-2">
            <button type="button" onClick={() => onOnly(null)} className="text-xs font-medium text-blue-700 hover:underline">
              Show all
            </button>
          </div>
          <label className="flex cursor-pointer items-center gap-2 px-2 py-1 text-sm text-zinc-700">
            <input type="checkbox" checked={includeBookkeeping} onChange={(e) => onBookkeeping(e.target.checked)} className="size-4 accent-blue-600" />
            Bookkeeping (strata, drizzle)
          </label>
        </fieldset>
      )}
    </Popover>
  );
}

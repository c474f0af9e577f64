'use client';

import { useState } from 'react';
import { Popover } from './popover';

const TEXT_FORMATS = [
  { format: 'mermaid', label: 'Mermaid (erDiagram)' },
  { format: 'dbml', label: 'DBML' },
  { format: 'markdown', label: 'Markdown data dictionary' },
] as const;

/** Images of the current view; text formats of the whole schema (from the export route). */
export function ExportMenu({ env, onImage }: { env: string; onImage: (format: 'png' | 'svg') => Promise<void> }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const item = 'flex w-full items-center rounded px-2 py-1.5 text-left text-sm text-zinc-800 hover:bg-zinc-100';
  return (
    <Popover label="Export" align="right" testId="export-menu">
      {(close) => (
        <div className="flex flex-col" role="group" aria-label="Export">
          <p className="px-2 pt-1 pb-1 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">Current view</p>
          {(['png', 'svg'] as const).map((format) => (
            <button
              key={format}
              type="button"
              className={item}
              disabled={busy !== null}
              onClick={async () => {
                setBusy(format);
                setFailed(null);
                try {
                  await onImage(format);
                  close();
                } catch {
                  setFailed(`The ${format.toUpperCase()} could not be made.`);
                } finally {
                  setBusy(null);
                }
              }}
            >
              {busy === format ? `Rendering ${format.toUpperCase()}…` : `${format.toUpperCase()} image`}
            </button>
          ))}
          {failed && <p role="alert" className="px-2 py-1 text-xs text-red-700">{failed}</p>}
          <p className="mt-1 border-t border-zinc-100 px-2 pt-2 pb-1 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">Whole schema</p>
          {TEXT_FORMATS.map((f) => (
            <a key={f.format} className={item} href={`/api/environments/${encodeURIComponent(env)}/schema/export?format=${f.format}`} download onClick={() => close()}>
              {f.label}
            </a>
          ))}
        </div>
      )}
    </Popover>
  );
}

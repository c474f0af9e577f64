'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { TargetOverview } from '@/lib/fleet/fleet-overview';
import type { FleetSummary } from '@/lib/fleet/fleet-summary';
import { CELL_STATE } from '@/components/pipeline/cell-state';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { TARGET_STATE_LOOK } from './fleet-states';

const ROW_HEIGHT = 36;
const CELL_BG: Record<BadgeTone, string> = {
  green: 'bg-emerald-500',
  neutral: 'bg-zinc-300',
  red: 'bg-red-600',
  amber: 'bg-amber-500',
  violet: 'bg-violet-500',
};

/**
 * Targets × change sets, virtualised: only the rows in view (and a few around them) are
 * in the DOM, so 1,000 targets cost what 30 do. One listbox, focused once (Tab): the arrow
 * keys, Page Up/Down, Home and End move through the targets, Enter opens one. The header
 * carries the matrix's column totals, counted by the server over the whole fleet.
 */
export function FleetTargetList({
  changeSets,
  matrix,
  targets,
  matched,
  selected,
  onSelect,
  loadMore,
}: {
  changeSets: string[];
  matrix: FleetSummary['matrix'];
  targets: TargetOverview[];
  matched: number;
  selected: string | null;
  onSelect: (target: string) => void;
  loadMore: () => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  // Fixed-height rows: no measuring; flushSync off, as React 19 warns about it inside effects.
  const virtualizer = useVirtualizer({ count: targets.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12, useFlushSync: false });
  const items = virtualizer.getVirtualItems();
  const lastShown = items.at(-1)?.index ?? 0;

  // Near the end of what is loaded: ask for the next page.
  useEffect(() => {
    if (targets.length < matched && lastShown >= targets.length - 20) loadMore();
  }, [lastShown, targets.length, matched, loadMore]);
  // A shorter list (a filter, a search): keep the active row inside it.
  useEffect(() => setActive((a) => Math.min(a, Math.max(0, targets.length - 1))), [targets.length]);

  function move(to: number) {
    const index = Math.max(0, Math.min(targets.length - 1, to));
    setActive(index);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => move(0),
      End: () => move(targets.length - 1),
      Enter: () => targets[active] && onSelect(targets[active].target),
      ' ': () => targets[active] && onSelect(targets[active].target),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  const columns = `minmax(9rem,1.3fr) 7.5rem 4.5rem minmax(${changeSets.length * 0.875}rem,${changeSets.length}fr)`;
  return (
    // Narrow screens scroll the whole table sideways: header, rows and legend stay aligned.
    <div className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm">
      <div className="min-w-[40rem]">
      <div aria-hidden="true" className="grid items-end gap-3 border-b border-zinc-200 bg-zinc-50 px-3 py-2 text-xs font-medium text-zinc-600" style={{ gridTemplateColumns: columns }}>
        <span>Target</span>
        <span>State</span>
        <span className="text-right">Applied</span>
        <ColumnTotals changeSets={changeSets} matrix={matrix} />
      </div>
      <p className="sr-only">
        Change sets applied across the fleet:{' '}
        {changeSets.map((tag) => `${tag}: ${matrix[tag]?.applied ?? 0} applied${matrix[tag]?.failed ? `, ${matrix[tag].failed} failed` : ''}`).join('; ')}.
      </p>
      {targets.length === 0 ? (
        <p className="px-3 py-6 text-center text-sm text-zinc-600" data-testid="fleet-empty">
          No target matches.
        </p>
      ) : (
        <div
          ref={scroller}
          role="listbox"
          tabIndex={0}
          aria-label={`Targets, ${matched} matching`}
          aria-activedescendant={targets[active] ? rowId(targets[active].target) : undefined}
          onKeyDown={onKeyDown}
          data-testid="fleet-targets"
          className="h-[min(60vh,36rem)] overflow-auto focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-blue-600"
        >
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const t = targets[item.index]!;
              return (
                <div
                  key={t.target}
                  id={rowId(t.target)}
                  role="option"
                  aria-selected={selected === t.target}
                  data-testid="fleet-target"
                  data-target={t.target}
                  data-state={t.state}
                  onClick={() => {
                    setActive(item.index);
                    onSelect(t.target);
                  }}
                  className={`absolute inset-x-0 grid cursor-pointer items-center gap-3 border-b border-zinc-100 px-3 text-sm ${
                    selected === t.target ? 'bg-blue-50' : item.index === active ? 'bg-zinc-100' : 'hover:bg-zinc-50'
                  } ${item.index === active ? 'ring-1 ring-blue-400 ring-inset' : ''}`}
                  style={{ top: item.start, height: ROW_HEIGHT, gridTemplateColumns: columns }}
                >
                  <span className="truncate font-mono text-[13px] text-zinc-900" title={t.target}>
                    {t.target}
                  </span>
                  <span title={t.problem ?? TARGET_STATE_LOOK[t.state].help}>
                    <Badge tone={TARGET_STATE_LOOK[t.state].tone}>{TARGET_STATE_LOOK[t.state].label}</Badge>
                  </span>
                  <span className="text-right text-zinc-700 tabular-nums">
                    {t.state === 'unreachable' ? '–' : `${t.applied}/${changeSets.length}`}
                  </span>
                  <Cells changeSets={changeSets} cells={t.cells} />
                </div>
              );
            })}
          </div>
        </div>
      )}
      <p className="border-t border-zinc-200 bg-zinc-50 px-3 py-1.5 text-xs text-zinc-600">
        One square per change set, in journal order: <Legend tone="green" label="applied" /> <Legend tone="neutral" label="pending" /> <Legend tone="amber" label="out of order" />{' '}
        <Legend tone="red" label="failed" />. The numbers above them: targets that have it applied.
      </p>
      </div>
    </div>
  );
}

function Legend({ tone, label }: { tone: BadgeTone; label: string }) {
  return (
    <span className="inline-flex items-center gap-1">
      <span aria-hidden="true" className={`inline-block size-2.5 rounded-[2px] ${CELL_BG[tone]}`} />
      {label}
    </span>
  );
}

const rowId = (target: string) => `fleet-target-${target.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** One row's change sets, in journal order: a coloured square each, its state in its tooltip. */
function Cells({ changeSets, cells }: { changeSets: string[]; cells: TargetOverview['cells'] }) {
  if (cells.length === 0) return <span className="text-xs text-zinc-500">not read</span>;
  return (
    <span className="flex gap-0.5" aria-label={`${cells.filter((c) => c === 'applied').length} of ${changeSets.length} applied`}>
      {changeSets.map((tag, i) => {
        const look = cells[i] ? CELL_STATE[cells[i]] : null;
        return <span key={tag} title={`${tag}: ${look?.label ?? 'unknown'}`} className={`h-4 flex-1 rounded-[2px] ${look ? CELL_BG[look.tone] : 'bg-zinc-100'}`} />;
      })}
    </span>
  );
}

/** Above each change set's column: how many targets have it applied; failures in red. Counted by the server. */
function ColumnTotals({ changeSets, matrix }: { changeSets: string[]; matrix: FleetSummary['matrix'] }) {
  return (
    <span className="flex gap-0.5">
      {changeSets.map((tag) => {
        const counts = matrix[tag] ?? {};
        const failed = (counts.failed ?? 0) + (counts.interrupted ?? 0) + (counts.checksum_mismatch ?? 0);
        const title = `${tag}: ${Object.entries(counts)
          .map(([state, n]) => `${n} ${CELL_STATE[state as keyof typeof CELL_STATE]?.label ?? state}`)
          .join(', ')}`;
        return (
          <span key={tag} title={title} data-testid="column-total" className={`flex-1 text-center text-[10px] tabular-nums ${failed ? 'font-semibold text-red-700' : 'text-zinc-600'}`}>
            {counts.applied ?? 0}
          </span>
        );
      })}
    </span>
  );
}

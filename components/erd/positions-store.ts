/**
 * Where tables sit, remembered per environment in localStorage
 * (`strata:erd:<env>:positions`), one layout per display mode (all columns / keys only,
 * whose node heights differ). Each layout carries the `layoutKey` it was made for, so a
 * structural change is noticed; tables keep their place as long as they exist.
 */
import type { Positions, Routes } from '@/lib/erd/elk-layout';

export type { Positions, Routes, XY } from '@/lib/erd/elk-layout';

export interface StoredLayout {
  key: string;
  positions: Positions;
  routes: Routes;
}

export type LayoutMode = 'full' | 'keys';

interface StoredFile {
  version: 1;
  modes: Partial<Record<LayoutMode, StoredLayout>>;
}

export function positionsStorageKey(env: string): string {
  return `strata:erd:${env}:positions`;
}

function read(env: string): StoredFile {
  try {
    const raw = window.localStorage.getItem(positionsStorageKey(env));
    if (raw) {
      const parsed = JSON.parse(raw) as StoredFile;
      if (parsed && parsed.version === 1 && typeof parsed.modes === 'object') return parsed;
    }
  } catch {
    // unreadable or blocked storage: start afresh
  }
  return { version: 1, modes: {} };
}

export function loadLayout(env: string, mode: LayoutMode): StoredLayout | null {
  const layout = read(env).modes[mode];
  return layout && typeof layout.key === 'string' && layout.positions ? { ...layout, routes: layout.routes ?? {} } : null;
}

export function saveLayout(env: string, mode: LayoutMode, layout: StoredLayout): void {
  const file = read(env);
  file.modes[mode] = { key: layout.key, positions: roundAll(layout.positions), routes: layout.routes };
  try {
    window.localStorage.setItem(positionsStorageKey(env), JSON.stringify(file));
  } catch {
    // quota or private mode: positions just are not remembered
  }
}

export function clearLayouts(env: string): void {
  try {
    window.localStorage.removeItem(positionsStorageKey(env));
  } catch {
    // nothing to clear
  }
}

function roundAll(positions: Positions): Positions {
  const out: Positions = {};
  for (const [id, p] of Object.entries(positions)) out[id] = { x: Math.round(p.x), y: Math.round(p.y) };
  return out;
}

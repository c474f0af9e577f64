'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * A text box's value that follows the URL only when the URL changed by back/forward: our
 * own router.replace() calls must not reset it, or an update arriving mid-typing would undo
 * the latest keystrokes. `fromUrl` is the value the URL holds now.
 */
export function useUrlSyncedInput(fromUrl: string): [string, (value: string) => void] {
  const [value, setValue] = useState(fromUrl);
  const fromHistory = useRef(false);
  useEffect(() => {
    const onPop = () => {
      fromHistory.current = true;
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    if (!fromHistory.current) return;
    fromHistory.current = false;
    setValue(fromUrl);
  }, [fromUrl]);
  return [value, setValue];
}

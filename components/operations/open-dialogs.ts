import { useSyncExternalStore } from 'react';

/**
 * How many operation dialogs are open in this tab. The environment page reads itself again
 * when one of its operations ends (environment-operations.tsx); while a dialog is open that
 * re-read waits until it closes, because the dialog may live in a part of the page the
 * re-read removes (an "Apply … out of order" row that is no longer out of order), and would
 * take the run's outcome with it before its reader has seen it.
 */
let open = 0;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());

/** Counts a dialog as open; call the answer when it closes (a React effect's cleanup). */
export function operationDialogOpened(): () => void {
  open++;
  emit();
  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    open--;
    emit();
  };
}

/** Whether any operation dialog is open in this tab. */
export function useOperationDialogOpen(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => open > 0,
    () => false,
  );
}

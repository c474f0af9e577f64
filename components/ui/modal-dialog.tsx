'use client';

import type { ReactNode, Ref } from 'react';

/**
 * The console's modal: a native <dialog> (opened with showModal() through `ref`, so focus is
 * trapped and Escape works) whose Escape goes through `onClose`, which may refuse while a
 * run is in progress.
 */
export function ModalDialog({
  ref,
  labelledBy,
  onClose,
  testId,
  width,
  children,
}: {
  ref: Ref<HTMLDialogElement>;
  labelledBy: string;
  onClose: () => void;
  testId: string;
  /** A Tailwind width class, e.g. `w-[min(720px,96vw)]`. */
  width: string;
  children: ReactNode;
}) {
  return (
    <dialog
      ref={ref}
      aria-labelledby={labelledBy}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      data-testid={testId}
      className={`m-auto max-h-[92vh] ${width} overflow-y-auto rounded-xl bg-white p-0 shadow-2xl backdrop:bg-zinc-900/50`}
    >
      {children}
    </dialog>
  );
}

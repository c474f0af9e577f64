'use client';

/**
 * "Type <name> to confirm:" and its input — the typed confirmation in front of a protected
 * environment's execute, a fix on it, and an approved rollout's start. The caller keeps what
 * was typed and compares it with the name (the server checks it again).
 */
export function TypedNameConfirm({
  inputId,
  name,
  typed,
  onTyped,
  testId,
  autoFocus = false,
  textSm = true,
}: {
  inputId: string;
  name: string;
  typed: string;
  onTyped: (value: string) => void;
  testId: string;
  autoFocus?: boolean;
  /** false where the surrounding form already sets the text size. */
  textSm?: boolean;
}) {
  return (
    <>
      <label htmlFor={inputId} className={textSm ? 'text-sm text-zinc-800' : 'text-zinc-800'}>
        Type <strong className="font-mono">{name}</strong> to confirm:
      </label>
      <input
        id={inputId}
        value={typed}
        onChange={(e) => onTyped(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        autoFocus={autoFocus}
        data-testid={testId}
        className={`w-64 rounded-md border border-zinc-300 bg-white px-2 py-1.5 font-mono${textSm ? ' text-sm' : ''}`}
      />
    </>
  );
}

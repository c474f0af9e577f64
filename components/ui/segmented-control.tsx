'use client';

import { useId } from 'react';

/**
 * A row of mutually exclusive choices (radio buttons that look like one segmented button),
 * keyboard-friendly as native radios are: arrow keys move between them.
 */
export function SegmentedControl<T extends string>({
  legend,
  legendClassName,
  options,
  value,
  onChange,
}: {
  legend: string;
  legendClassName: string;
  options: Array<{ value: T; label: string; testId: string }>;
  value: T;
  onChange: (value: T) => void;
}) {
  const ids = useId();
  return (
    <fieldset className="flex flex-col gap-1.5">
      <legend className={`mb-1.5 ${legendClassName}`}>{legend}</legend>
      <div className="inline-flex overflow-hidden rounded-md border border-zinc-300 bg-white">
        {options.map((option) => {
          const id = `${ids}-${option.value || 'all'}`;
          const checked = value === option.value;
          return (
            <label
              key={option.value || 'all'}
              htmlFor={id}
              className={`cursor-pointer border-l border-zinc-300 px-3 py-1.5 text-sm font-medium first:border-l-0 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-blue-600 ${
                checked ? 'bg-zinc-900 text-white' : 'text-zinc-700 hover:bg-zinc-50'
              }`}
            >
              <input
                id={id}
                type="radio"
                name={`${ids}-choice`}
                value={option.value}
                checked={checked}
                onChange={() => onChange(option.value)}
                data-testid={option.testId}
                className="sr-only"
              />
              {option.label}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

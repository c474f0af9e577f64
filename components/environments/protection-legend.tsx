import { Badge } from '@/components/ui/badge';
import { PROTECTION_INFO, type Protection } from './environment-display';

/** What each protection level means, spelled out for touch screens where tooltips don't show. */
export function ProtectionLegend() {
  const levels = Object.entries(PROTECTION_INFO) as Array<[Protection, (typeof PROTECTION_INFO)[Protection]]>;
  return (
    <dl className="flex flex-col gap-2 text-sm text-zinc-600 sm:flex-row sm:flex-wrap sm:gap-x-6">
      {levels.map(([level, info]) => (
        <div key={level} className="flex items-center gap-2">
          <dt>
            <Badge tone={info.tone}>{info.label}</Badge>
          </dt>
          <dd>{info.description}</dd>
        </div>
      ))}
    </dl>
  );
}

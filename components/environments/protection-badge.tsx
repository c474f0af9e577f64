import { Badge } from '@/components/ui/badge';
import type { ProtectionInfo } from './environment-display';

/**
 * The environment's protection level. Hovering shows what it allows; screen readers hear
 * it in full; the legend under the cards spells it out for touch screens.
 */
export function ProtectionBadge({ protection }: { protection: ProtectionInfo }) {
  return (
    <span data-testid="protection" className="shrink-0">
      <Badge tone={protection.tone} title={`${protection.label}: ${protection.description}`}>
        <span className="sr-only">Protection: </span>
        {protection.label}
        <span className="sr-only">. {protection.description}.</span>
      </Badge>
    </span>
  );
}

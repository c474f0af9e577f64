import type { RiskSeverity } from '@/lib/diff/types';
import { Badge, type BadgeTone } from '@/components/ui/badge';

const TONE: Record<RiskSeverity, BadgeTone> = { high: 'red', medium: 'amber', low: 'neutral' };

/**
 * A risk's severity as a pill: high red, medium amber, low grey. The colour is never the only
 * signal: the word is always there, and screen readers hear "Severity: high".
 */
export function RiskBadge({ severity, title }: { severity: RiskSeverity; title?: string }) {
  return (
    <span data-testid="risk-badge" data-severity={severity} className="inline-flex shrink-0">
      <Badge tone={TONE[severity]} title={title}>
        <span className="sr-only">Severity: </span>
        {severity}
      </Badge>
    </span>
  );
}

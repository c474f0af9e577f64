import type { Principal } from '@/lib/auth/types';
import type { StrataConfig } from '@/lib/config/types';
import { fleetCard, fleetContext } from '@/lib/console/fleets';
import { describeOperationError } from '@/lib/console/describe-error';
import { Card } from '@/components/ui/card';
import { FleetCard } from './fleet-card';

/**
 * The configured fleets on the home page, one card each after the environments. A fleet
 * that cannot be read (its discovery server down) shows why; the page still renders.
 */
export async function HomeFleets({ config, principal }: { config: StrataConfig; principal: Principal }) {
  const fleets = config.fleets ?? [];
  if (fleets.length === 0) return null;
  const cards = await Promise.all(
    fleets.map(async (fleet) => {
      try {
        return { name: fleet.name, summary: await fleetCard(fleetContext(fleet.name, principal.username)) };
      } catch (error) {
        return { name: fleet.name, error: describeOperationError(error).message };
      }
    }),
  );
  return (
    <section aria-labelledby="fleets-heading" className="flex flex-col gap-3">
      <h2 id="fleets-heading" className="text-lg font-semibold text-zinc-900">
        Fleets
      </h2>
      <ul className="grid grid-cols-1 gap-6 md:grid-cols-2 xl:grid-cols-3">
        {cards.map((card) => (
          <li key={card.name}>
            {'summary' in card && card.summary ? (
              <FleetCard summary={card.summary} />
            ) : (
              <Card alert data-testid={`fleet-card-${card.name}`} className="h-full p-5">
                <h3 className="text-2xl font-semibold text-zinc-900">{card.name}</h3>
                <p className="mt-2 text-sm text-red-700">The fleet could not be read: {card.error}</p>
              </Card>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

import {
  addLeadCounters,
  addOrganicCounters,
  emptyLeadCounters,
  emptyOrganicCounters,
} from '@subtrack/domain';
import type { RollupIncrement, StatsStore } from '@subtrack/ports';
import {
  leadCounters,
  leadIncrement as lead,
  organicCounters,
  organicIncrement as organic,
} from './builders';
import { useFixture, type StoreFixture } from './harness';

const [C1, C2] = [-1_001_000_000_001, -1_001_000_000_002];
const [D14, D15, D16] = ['2025-01-14', '2025-01-15', '2025-01-16'];

/** Partition 0, orders 160…209 (`seq * 16 + n`, as derived events number themselves). */
const first: RollupIncrement[] = [
  lead({ order: 160, campaign: 1, day: D14, counter: 'starts' }),
  lead({ order: 176, campaign: 1, day: D14, counter: 'starts' }),
  lead({ order: 192, campaign: 2, day: D15, counter: 'starts' }),
  lead({ order: 193, campaign: 2, day: D15, counter: 'confirms' }),
  organic({ order: 208, chat: C1, day: D15, counter: 'joins' }),
  organic({ order: 209, chat: C1, day: D15, counter: 'joins' }),
];
/** Partition 0 goes on; partition 1 starts at lower orders; account 2 has a little traffic too. */
const second: RollupIncrement[] = [
  lead({ order: 240, campaign: 1, day: D15, counter: 'starts' }),
  lead({ partition: 1, order: 16, campaign: 1, day: D15, counter: 'starts' }),
  lead({ order: 256, campaign: 1, day: D15, counter: 'holds' }),
  lead({ partition: 1, order: 32, campaign: 1, day: D15, counter: 'starts' }),
  lead({ order: 272, campaign: 1, day: D14, counter: 'cancels' }),
  lead({ partition: 1, order: 48, campaign: 1, day: D14, counter: 'starts' }),
  lead({ partition: 1, order: 64, campaign: 1, day: D14, counter: 'trashes' }),
  organic({ order: 288, chat: C1, day: D15, counter: 'leaves' }),
  ...[80, 96, 112, 128].map((order) =>
    organic({ partition: 1, order, chat: C2, day: D16, counter: 'joins' }),
  ),
  lead({ partition: 1, order: 144, account: 2, campaign: 9, day: D15, counter: 'starts' }),
  lead({ partition: 1, order: 160, account: 2, campaign: 9, day: D15, counter: 'starts' }),
  organic({ partition: 1, order: 176, account: 2, chat: C1, day: D15, counter: 'joins' }),
];

/** The behaviour every StatsStore adapter must show. The factory opens an empty store. */
export function statsStoreContract(name: string, factory: () => Promise<StoreFixture<StatsStore>>): void {
  describe(`StatsStore contract: ${name}`, () => {
    const fixture = useFixture(factory);
    const store = (): StatsStore => fixture().store;
    const leadRollups = (q: object = {}) =>
      store().leadRollups({ account: 1, fromDay: D14, toDay: D16, ...q });
    const organicRollups = (q: object = {}) =>
      store().organicRollups({ account: 1, fromDay: D14, toDay: D16, ...q });
    const snapshot = async () => ({
      leads: await leadRollups(),
      organic: await organicRollups(),
      otherLeads: await leadRollups({ account: 2 }),
      otherOrganic: await organicRollups({ account: 2 }),
    });

    it('starts empty', async () => {
      expect(await leadRollups()).toEqual(new Map());
      expect(await organicRollups()).toEqual(new Map());
    });

    it('adds one to the counter of each increment, summed per day', async () => {
      await store().apply(first);
      await store().apply(second);

      expect(await leadRollups()).toEqual(
        new Map([
          [D14, leadCounters({ starts: 3, cancels: 1, trashes: 1 })],
          [D15, leadCounters({ starts: 4, holds: 1, confirms: 1 })],
        ]),
      );
      expect(await organicRollups()).toEqual(
        new Map([
          [D15, organicCounters({ joins: 2, leaves: 1 })],
          [D16, organicCounters({ joins: 4 })],
        ]),
      );
    });

    it('filters rollups by account, campaign, chat and inclusive day range', async () => {
      await store().apply([...first, ...second]);

      expect(await leadRollups({ campaign: 1 })).toEqual(
        new Map([
          [D14, leadCounters({ starts: 3, cancels: 1, trashes: 1 })],
          [D15, leadCounters({ starts: 3, holds: 1 })],
        ]),
      );
      expect(await leadRollups({ campaign: 2 })).toEqual(
        new Map([[D15, leadCounters({ starts: 1, confirms: 1 })]]),
      );
      expect(await leadRollups({ fromDay: D15, toDay: D15 })).toEqual(
        new Map([[D15, leadCounters({ starts: 4, holds: 1, confirms: 1 })]]),
      );
      expect(await leadRollups({ fromDay: D16 })).toEqual(new Map());
      expect(await leadRollups({ account: 2 })).toEqual(new Map([[D15, leadCounters({ starts: 2 })]]));
      expect(await leadRollups({ account: 3 })).toEqual(new Map());

      expect(await organicRollups({ chat: C1 })).toEqual(
        new Map([[D15, organicCounters({ joins: 2, leaves: 1 })]]),
      );
      expect(await organicRollups({ chat: C2 })).toEqual(new Map([[D16, organicCounters({ joins: 4 })]]));
      expect(await organicRollups({ toDay: D15 })).toEqual(
        new Map([[D15, organicCounters({ joins: 2, leaves: 1 })]]),
      );
      expect(await organicRollups({ account: 2 })).toEqual(new Map([[D15, organicCounters({ joins: 1 })]]));
    });

    it('sums the days of a scope into totals, zero where nothing was counted', async () => {
      await store().apply([...first, ...second]);
      const scopes: object[] = [
        {},
        { campaign: 1 },
        { campaign: 2, chat: C1 },
        { chat: C2 },
        { fromDay: D15, toDay: D15 },
        { fromDay: D16 },
        { account: 2 },
        { account: 3 },
      ];
      for (const q of scopes) {
        const scope = { account: 1, fromDay: D14, toDay: D16, ...q };
        let leads = emptyLeadCounters();
        for (const c of (await store().leadRollups(scope)).values()) leads = addLeadCounters(leads, c);
        let organic = emptyOrganicCounters();
        for (const c of (await store().organicRollups(scope)).values())
          organic = addOrganicCounters(organic, c);
        expect({
          scope,
          leads: await store().leadTotals(scope),
          organic: await store().organicTotals(scope),
        }).toEqual({
          scope,
          leads,
          organic,
        });
      }
      expect(await store().leadTotals({ account: 1, fromDay: D14, toDay: D16 })).toEqual(
        leadCounters({ starts: 7, holds: 1, confirms: 1, cancels: 1, trashes: 1 }),
      );
      expect(await store().organicTotals({ account: 1, fromDay: D14, toDay: D16, chat: C1 })).toEqual(
        organicCounters({ joins: 2, leaves: 1 }),
      );
      expect(await store().leadTotals({ account: 3, fromDay: D14, toDay: D16 })).toEqual(leadCounters({}));
    });

    it('changes nothing when batches are delivered again', async () => {
      await store().apply(first);
      await store().apply(second);
      const applied = await snapshot();

      await store().apply(second);
      await store().apply(first);
      await store().apply([...first, ...second]);
      expect(await snapshot()).toEqual(applied);
    });

    it('counts only the new increments of an overlapping redelivery, and each (partition, order) once', async () => {
      await store().apply([lead({ order: 16, counter: 'starts' }), lead({ order: 32, counter: 'starts' })]);
      await store().apply([
        lead({ order: 32, counter: 'starts' }),
        lead({ order: 48, counter: 'holds' }),
        lead({ order: 48, counter: 'holds' }),
      ]);
      expect(await leadRollups()).toEqual(new Map([[D15, leadCounters({ starts: 2, holds: 1 })]]));
    });

    it('keeps partitions apart: a low order in one partition counts however far another got', async () => {
      await store().apply([lead({ partition: 0, order: 5_000, counter: 'starts' })]);
      await store().apply([lead({ partition: 3, order: 16, counter: 'confirms' })]);
      await store().apply([lead({ partition: 3, order: 16, counter: 'confirms' })]);
      expect(await leadRollups()).toEqual(new Map([[D15, leadCounters({ starts: 1, confirms: 1 })]]));
    });

    it('forgets every rollup and what it counted on reset', async () => {
      await store().apply([...first, ...second]);
      await store().reset();

      expect(await leadRollups()).toEqual(new Map());
      expect(await leadRollups({ account: 2 })).toEqual(new Map());
      expect(await organicRollups()).toEqual(new Map());

      // A rebuild counts the same increments again from the start.
      await store().apply(first);
      expect(await leadRollups({ campaign: 2 })).toEqual(
        new Map([[D15, leadCounters({ starts: 1, confirms: 1 })]]),
      );
      expect(await organicRollups()).toEqual(new Map([[D15, organicCounters({ joins: 2 })]]));
    });
  });
}

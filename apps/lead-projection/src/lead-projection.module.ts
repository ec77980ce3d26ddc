import { Inject, Injectable, Module } from '@nestjs/common';
import { Topics } from '@subtrack/contracts';
import {
  CATALOG_STORE,
  EVENT_LOG,
  LEAD_STORE,
  type CatalogStore,
  type EventLog,
  type LeadStore,
} from '@subtrack/ports';
import { LogConsumer } from '@subtrack/runtime';
import { LeadProjector } from './lead-projector';

export const LEAD_PROJECTION_GROUP = 'lead-projection';

/** Thin shell: the projector subscribed to the Telegram events topic. */
@Injectable()
export class LeadProjectionConsumer extends LogConsumer {
  constructor(
    @Inject(EVENT_LOG) log: EventLog,
    @Inject(LEAD_STORE) leads: LeadStore,
    @Inject(CATALOG_STORE) catalog: CatalogStore,
  ) {
    const projector = new LeadProjector(leads, catalog, log);
    super(log, Topics.telegram, LEAD_PROJECTION_GROUP, (batch) => projector.handle(batch));
  }
}

@Module({ providers: [LeadProjectionConsumer] })
export class LeadProjectionModule {}

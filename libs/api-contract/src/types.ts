import type { z } from 'zod/v4';
import type { EndpointName, Endpoints } from './endpoints';
import type * as r from './responses';

type Part<N extends EndpointName, K extends 'query' | 'body'> =
  Endpoints[N] extends Record<K, infer S> ? (S extends z.ZodType ? S : never) : never;

/** What a client sends in an endpoint's query string (numbers are sent as their digits). */
export type QueryOf<N extends EndpointName> = z.input<Part<N, 'query'>>;
/** What a client sends as an endpoint's JSON body. */
export type BodyOf<N extends EndpointName> = z.input<Part<N, 'body'>>;
/** An endpoint's query as the server reads it (defaults not applied; absent parameters left out). */
export type ParsedQueryOf<N extends EndpointName> = z.output<Part<N, 'query'>>;
/** An endpoint's body as the server reads it. */
export type ParsedBodyOf<N extends EndpointName> = z.output<Part<N, 'body'>>;
/** An endpoint's success answer (the CSV export: its text). */
export type ResponseOf<N extends EndpointName> = Endpoints[N]['response'] extends z.ZodType
  ? z.output<Endpoints[N]['response']>
  : string;

export type LeadRow = z.output<typeof r.leadRow>;
export type JournalRow = z.output<typeof r.journalRow>;
export type Summary = z.output<typeof r.summary>;
export type SeriesPoint = z.output<typeof r.seriesPoint>;
export type AccountInfo = z.output<typeof r.accountInfo>;
export type ApiKey = z.output<typeof r.apiKey>;
export type BotRow = z.output<typeof r.botRow>;
export type ChatRow = z.output<typeof r.chatRow>;
export type CampaignRow = z.output<typeof r.campaignRow>;
export type CampaignAdded = z.output<typeof r.campaignAdded>;
export type PostbackRow = z.output<typeof r.postbackRow>;
export type PostbackState = z.output<typeof r.postbackState>;
export type WelcomeStateRow = z.output<typeof r.welcomeState>;
export type Signing = z.output<typeof r.signing>;
export type Setup = z.output<typeof r.setup>;
export type TestPostbackResult = z.output<typeof r.testPostback>;

import { STATUS_NAMES, type Campaign, type LeadPostback, type StatusCode, type Welcome } from '../api/types';

export const statusName = (code: StatusCode): string => STATUS_NAMES[code] ?? String(code);

export const statusOptions = (anyLabel: string) => [
  { value: '', label: anyLabel },
  ...STATUS_NAMES.map((name, code) => ({ value: String(code), label: name })),
];

export const campaignOptions = (campaigns: Campaign[] | undefined, allLabel = 'All campaigns') => [
  { value: '', label: allLabel },
  ...(campaigns ?? []).map((c) => ({ value: String(c.id), label: c.name })),
];

export const campaignName = (campaigns: Campaign[] | undefined, id: number): string =>
  campaigns?.find((c) => c.id === id)?.name ?? `#${id}`;

export function welcomeText(w: Welcome | null): string {
  if (!w) return '—';
  if (w.state === 'delivered') return 'delivered';
  const tries = w.attempts === 1 ? '1 attempt' : `${w.attempts} attempts`;
  return w.last_error ? `${w.state}, ${tries}: ${w.last_error}` : `${w.state}, ${tries}`;
}

export function leadPostbackText(p: LeadPostback | null | undefined): string {
  if (!p) return '—';
  const http = p.last_http_status === null ? '' : `, HTTP ${p.last_http_status}`;
  return `${p.status}: ${p.state}, ${p.attempts === 1 ? '1 attempt' : `${p.attempts} attempts`}${http}`;
}

/** A number typed in a filter, or nothing when the field is empty. */
export const optionalNumber = (s: string): number | undefined => (s === '' ? undefined : Number(s));

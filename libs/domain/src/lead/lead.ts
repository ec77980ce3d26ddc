import { LeadStatus } from '@subtrack/contracts';

/**
 * A lead: one subscriber inside one campaign. The state machine is a decider: `decide` looks at the
 * current lead and something that happened in the chat and says what changes; `evolve` applies a
 * change. Neither reads a clock or does I/O: time comes with the input.
 */
export interface Lead {
  id: number;
  account: number;
  campaign: number;
  chat: number;
  bot: number;
  subscriber: number;
  username: string;
  click: string;
  inviteLink: string;
  status: LeadStatus;
  /** Unix seconds. */
  startTime: number;
  /** Unix seconds of the first approve, 0 before. */
  joinTime: number;
  /** Unix seconds of the last status change. */
  updated: number;
  /** Bit n set once the lead has entered status n. */
  reached: number;
}

export type LeadInput =
  | {
      type: 'started';
      time: number;
      id: number;
      account: number;
      campaign: number;
      chat: number;
      bot: number;
      subscriber: number;
      username: string;
      click: string;
      inviteLink: string;
    }
  | { type: 'requested' | 'joined' | 'left' | 'banned'; time: number; username: string }
  /** The lead's personal invite link was made after its start. */
  | { type: 'linked'; inviteLink: string };

export type LeadChange =
  | { type: 'created'; lead: Lead }
  | { type: 'statusChanged'; from: LeadStatus; to: LeadStatus; first: boolean; time: number }
  | { type: 'clickReplaced'; click: string; time: number }
  | { type: 'usernameChanged'; username: string }
  | { type: 'inviteLinkSet'; inviteLink: string };

const { wait, hold, approve, cancel, trash } = LeadStatus;

/** SPEC §4: which status each kind of chat activity moves a lead to, from each status. */
const TRANSITIONS: Record<
  'requested' | 'joined' | 'left' | 'banned',
  Partial<Record<LeadStatus, LeadStatus>>
> = {
  requested: { [wait]: hold },
  joined: { [wait]: approve, [hold]: approve, [cancel]: approve, [trash]: approve },
  left: { [approve]: cancel },
  banned: { [hold]: trash, [approve]: trash, [cancel]: trash },
};

/** Whether chat activity of this kind moves a lead in this status. */
export const movesLead = (
  status: LeadStatus,
  input: Exclude<LeadInput['type'], 'started' | 'linked'>,
): boolean => TRANSITIONS[input][status] !== undefined;

export const hasReached = (lead: Pick<Lead, 'reached'>, status: LeadStatus): boolean =>
  (lead.reached & (1 << status)) !== 0;

export function decide(lead: Lead | null, input: LeadInput): LeadChange[] {
  if (input.type === 'started') {
    if (!lead) {
      const { type: _type, time, ...fields } = input;
      return [
        {
          type: 'created',
          lead: { ...fields, status: wait, startTime: time, joinTime: 0, updated: time, reached: 1 << wait },
        },
      ];
    }
    const changes: LeadChange[] = usernameChange(lead, input.username);
    // The newest ad gets the credit until the lead converts.
    if ((lead.status === wait || lead.status === hold) && input.click !== '' && input.click !== lead.click) {
      changes.push({ type: 'clickReplaced', click: input.click, time: input.time });
    }
    return changes;
  }
  if (!lead) return [];
  // A lead keeps the first link it was given: joins through it are matched to it.
  if (input.type === 'linked')
    return lead.inviteLink === '' && input.inviteLink !== ''
      ? [{ type: 'inviteLinkSet', inviteLink: input.inviteLink }]
      : [];
  const changes = usernameChange(lead, input.username);
  const to = TRANSITIONS[input.type][lead.status];
  if (to !== undefined) {
    changes.push({
      type: 'statusChanged',
      from: lead.status,
      to,
      first: !hasReached(lead, to),
      time: input.time,
    });
  }
  return changes;
}

function usernameChange(lead: Lead, username: string): LeadChange[] {
  return username !== lead.username ? [{ type: 'usernameChanged', username }] : [];
}

export function evolve(lead: Lead | null, change: LeadChange): Lead | null {
  if (change.type === 'created') return change.lead;
  if (!lead) return null;
  switch (change.type) {
    case 'statusChanged':
      return {
        ...lead,
        status: change.to,
        updated: change.time,
        joinTime: change.to === approve && lead.joinTime === 0 ? change.time : lead.joinTime,
        reached: lead.reached | (1 << change.to),
      };
    case 'clickReplaced':
      return { ...lead, click: change.click };
    case 'usernameChanged':
      return { ...lead, username: change.username };
    case 'inviteLinkSet':
      return { ...lead, inviteLink: change.inviteLink };
  }
}

/** Applies `decide` then `evolve`: the new lead and what changed. */
export function applyToLead(
  lead: Lead | null,
  input: LeadInput,
): { lead: Lead | null; changes: LeadChange[] } {
  const changes = decide(lead, input);
  return { lead: changes.reduce<Lead | null>(evolve, lead), changes };
}

/**
 * Which of a subscriber's leads on a chat a join/leave belongs to (SPEC §3): the lead whose personal
 * invite link was used; else the newest lead the activity moves (a leave belongs to the lead that
 * is in the chat, not to a newer one still waiting); else the newest lead.
 */
export function attributeLead<T extends Pick<Lead, 'inviteLink' | 'startTime' | 'id'>>(
  leads: readonly T[],
  inviteLink: string,
  moves: (lead: T) => boolean = () => true,
): T | undefined {
  if (inviteLink !== '') {
    const byLink = leads.find((l) => l.inviteLink === inviteLink);
    if (byLink) return byLink;
  }
  return newest(leads.filter(moves)) ?? newest(leads);
}

function newest<T extends Pick<Lead, 'startTime' | 'id'>>(leads: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const l of leads) {
    if (!best || l.startTime > best.startTime || (l.startTime === best.startTime && l.id > best.id)) best = l;
  }
  return best;
}

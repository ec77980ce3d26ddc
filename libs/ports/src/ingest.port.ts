export interface DeadLetter {
  bot: number;
  /** null when the payload had no readable update_id. */
  updateId: number | null;
  payload: string;
  error: string;
  /** Unix seconds it was set aside. */
  time: number;
}

/** What the ingest service keeps for itself. */
export interface IngestStore {
  /** The personal invite link handed to a subscriber for a campaign, if one was made. */
  inviteLink(campaign: number, subscriber: number): Promise<string | null>;
  saveInviteLink(campaign: number, subscriber: number, link: string): Promise<void>;
  /** Updates that could not be understood, kept for inspection instead of being dropped. */
  deadLetter(entry: DeadLetter): Promise<void>;
  listDeadLetters(limit: number): Promise<DeadLetter[]>;
}

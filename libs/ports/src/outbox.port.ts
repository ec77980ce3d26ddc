/** What an outbox (postbacks, welcomes) still owes: for the metrics an operator alerts on. */
export interface OutboxBacklog {
  /** Items still pending, those being worked on included. */
  pending: number;
  /** The earliest due time among them (Unix ms); null when none is pending. */
  oldestDue: number | null;
}

/** A refusal as data: what a server action answers, and what a route handler sends as JSON. */
export interface Refused {
  ok: false;
  status: number;
  code: string;
  message: string;
}

/** What starting an operation answers: the recorded operation's id, or why nothing started. */
export type StartAnswer = { ok: true; id: number } | Refused;

/**
 * Mandate approval: UN Security Council → North Atlantic Council → national approvals.
 *
 * - UNSC: a draft is adopted with at least 9 affirmative votes and no negative vote from a
 *   permanent member (abstention is not a veto). A failed draft may be re-tabled while drafts
 *   remain. Where the scenario allows it, the alliance may act without a mandate instead of
 *   tabling a draft (Kosovo 1999) or once the Council has blocked one.
 * - NAC: consensus by silence procedure. One objection breaks silence; the draft may be
 *   re-circulated while circulations remain. Reservations are acquiescence with caveats.
 * - National approvals: done when every nation has decided; at least one must approve.
 */
import { assign, setup } from 'xstate';

export type Vote = 'yes' | 'no' | 'abstain';

export interface BallotEntry {
  readonly member: string;
  readonly permanent: boolean;
  readonly vote: Vote;
}

/** What the Charter rule needs to know of a ballot. */
export interface Tally {
  readonly yes: number;
  /** Negative votes of permanent members: vetoes (an abstention is not one). */
  readonly permanentNo: number;
}

export function tallyBallot(ballot: readonly BallotEntry[]): Tally {
  let yes = 0;
  let permanentNo = 0;
  for (const b of ballot) {
    if (b.vote === 'yes') yes++;
    else if (b.vote === 'no' && b.permanent) permanentNo++;
  }
  return { yes, permanentNo };
}

/** The Charter rule (Art. 27(3) as practised): nine affirmative votes, no permanent "no". */
export const resolutionAdopted = (t: Tally): boolean => t.yes >= 9 && t.permanentNo === 0;

export interface MandateInput {
  readonly hasUn: boolean;
  readonly maxDrafts: number;
  readonly allowWithoutMandate: boolean;
  readonly maxCirculations: number;
}

export interface MandateContext extends MandateInput {
  readonly drafts: number;
  readonly chapter: 'VI' | 'VII' | null;
  readonly mandated: boolean;
  readonly withoutMandate: boolean;
  readonly circulations: number;
  readonly reservations: number;
}

export type MandateEvent =
  | { type: 'DRAFT'; chapter: 'VI' | 'VII' }
  | { type: 'VOTE_TALLIED'; tally: Tally }
  | { type: 'PROCEED_WITHOUT_MANDATE' }
  | { type: 'CIRCULATE' }
  | { type: 'OBJECTION'; by: string }
  | { type: 'RESERVATION'; by: string }
  | { type: 'DEADLINE' }
  | { type: 'APPROVALS_DONE'; approved: number }
  | { type: 'ABANDON' };

export const mandateMachine = setup({
  types: {
    context: {} as MandateContext,
    input: {} as MandateInput,
    events: {} as MandateEvent,
  },
  guards: {
    hasUn: ({ context }) => context.hasUn,
    draftsLeft: ({ context }) => context.drafts < context.maxDrafts,
    adopted: ({ event }) => event.type === 'VOTE_TALLIED' && resolutionAdopted(event.tally),
    mayActWithoutMandate: ({ context }) => context.allowWithoutMandate,
    circulationsLeft: ({ context }) => context.circulations < context.maxCirculations,
    someoneApproved: ({ event }) => event.type === 'APPROVALS_DONE' && event.approved > 0,
  },
}).createMachine({
  id: 'mandate',
  context: ({ input }) => ({
    ...input,
    drafts: 0,
    chapter: null,
    mandated: false,
    withoutMandate: false,
    circulations: 0,
    reservations: 0,
  }),
  initial: 'start',
  states: {
    start: {
      always: [{ guard: 'hasUn', target: 'unsc' }, { target: 'nac' }],
    },
    unsc: {
      initial: 'drafting',
      states: {
        drafting: {
          on: {
            DRAFT: {
              guard: 'draftsLeft',
              target: 'voting',
              actions: assign({
                drafts: ({ context }) => context.drafts + 1,
                chapter: ({ event }) => event.chapter,
              }),
            },
            PROCEED_WITHOUT_MANDATE: {
              guard: 'mayActWithoutMandate',
              target: '#mandate.nac',
              actions: assign({ withoutMandate: true }),
            },
          },
        },
        voting: {
          on: {
            VOTE_TALLIED: [
              { guard: 'adopted', target: '#mandate.nac', actions: assign({ mandated: true }) },
              { guard: 'draftsLeft', target: 'drafting' },
              { target: 'blocked' },
            ],
          },
        },
        blocked: {
          on: {
            PROCEED_WITHOUT_MANDATE: {
              guard: 'mayActWithoutMandate',
              target: '#mandate.nac',
              actions: assign({ withoutMandate: true }),
            },
            ABANDON: '#mandate.failed',
          },
        },
      },
    },
    nac: {
      initial: 'drafting',
      states: {
        drafting: {
          on: {
            CIRCULATE: {
              target: 'silence',
              actions: assign({ circulations: ({ context }) => context.circulations + 1 }),
            },
          },
        },
        silence: {
          on: {
            OBJECTION: 'broken',
            RESERVATION: {
              actions: assign({ reservations: ({ context }) => context.reservations + 1 }),
            },
            DEADLINE: '#mandate.national',
          },
        },
        broken: {
          always: {
            guard: ({ context }) => context.circulations >= context.maxCirculations,
            target: '#mandate.failed',
          },
          on: {
            CIRCULATE: {
              guard: 'circulationsLeft',
              target: 'silence',
              actions: assign({ circulations: ({ context }) => context.circulations + 1 }),
            },
            ABANDON: '#mandate.failed',
          },
        },
      },
    },
    national: {
      on: {
        APPROVALS_DONE: [{ guard: 'someoneApproved', target: 'approved' }, { target: 'failed' }],
      },
    },
    approved: { type: 'final' },
    failed: { type: 'final' },
  },
});

/**
 * Errors the domain raises. Each names the rule it enforces, so that the API can cite it:
 * a refused rule is 422 with its article, a conflict 409, an unknown resource 404, and input
 * that cannot be true (a valid time in the future, dates that contradict each other) 400.
 */
export abstract class DomainError extends Error {
  abstract readonly status: 400 | 404 | 409 | 422;
  constructor(
    message: string,
    /** The rule's id, `<source>-<article>[-<item>]`, e.g. `beijing-23`, `national-faq-3-5`. */
    readonly article: string,
    /** The request field the refusal is about, when there is one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A rule of the domain refuses the command (422). */
export class RuleViolation extends DomainError {
  override readonly name = 'RuleViolation';
  readonly status = 422 as const;
}

/** The command conflicts with what is recorded: a duplicate, a person active elsewhere (409). */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
  readonly status = 409 as const;
}

/** The command names something the ledger does not have (404). */
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  readonly status = 404 as const;
}

/** The input cannot be a fact: a date in the future, dates that contradict each other (400). */
export class InvalidInput extends DomainError {
  override readonly name = 'InvalidInput';
  readonly status = 400 as const;
}

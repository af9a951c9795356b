/** An error the user can fix (bad flag, no privileges, missing kernel
 * feature): the CLI prints its message as one sentence, no stack trace. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}

/** A postback the receiver refuses: the field it names is missing, empty, too long, repeated or malformed. */
export class InvalidPostbackError extends Error {
  override name = 'InvalidPostbackError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

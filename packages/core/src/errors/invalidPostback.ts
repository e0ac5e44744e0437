/** A postback the receiver refuses: the field it names is missing, empty, too long, repeated or malformed. */
export class InvalidPostback extends Error {
  override name = 'InvalidPostback';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

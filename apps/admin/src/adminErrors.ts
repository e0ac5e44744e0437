/** Bad input to an admin operation: the HTTP API answers 400, the CLI prints it and exits 2. */
export class AdminInputError extends Error {
  override name = 'AdminInputError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The thing an admin operation names does not exist: 404 on the API. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

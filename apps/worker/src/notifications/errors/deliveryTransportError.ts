/** The exchange broke before an answer came: no connection, a reset, a timeout (connect or total). Worth a retry. */
export class DeliveryTransportError extends Error {
  override name = 'DeliveryTransportError';
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network',
    options?: { cause?: unknown },
  ) {
    super(message);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

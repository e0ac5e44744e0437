// The delivery worker's errors: what the sender throws (refused, bad, transport) and what decides retry or fail.
export { DestinationRefusedError } from './destinationRefusedError.js';
export { BadDestinationError } from './badDestinationError.js';
export { DeliveryTransportError } from './deliveryTransportError.js';
export { RetryDeliveryError } from './retryDeliveryError.js';
export { FailedDeliveryError } from './failedDeliveryError.js';

export { bodyParserFailureOf, type BodyParserFailure } from './bodyParserFailure.js';
export { retryAfterSecondsOf, STORE_RETRY_AFTER_SECONDS } from './retryAfter.js';

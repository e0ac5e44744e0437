// Every check a postback request goes through before its key is looked up, one file per check.
export { refuseBodyOnGet } from './bodyOnGet.js';
export { BodyTooLargeError } from './bodyTooLargeError.js';
export { postbackBodyParsers } from './postbackBody.js';
export type { PostbackRequest } from './postbackFields.js';
export { parseQueryString } from './queryString.js';
export { UnsupportedBodyTypeError } from './unsupportedBodyTypeError.js';
export { validatePostback } from './validatePostback.js';

import openapiTS, { astToString } from 'openapi-typescript';
import type { oas31 } from 'zod-openapi';
import { createAdminOpenApi } from './adminOpenApi.js';

// The committed files made from the document, by scripts/openapi.mjs (npm run openapi) and compared with what the
// code makes now by test/openapi.test.ts. Not loaded by the running app: openapi-typescript is a devDependency.

export const OPENAPI_JSON_PATH = 'apps/admin/openapi.json';
export const CONSOLE_TYPES_PATH = 'apps/console/src/api/schema.d.ts';

const TYPES_HEADER = `// The admin API's types for the console, made from ${OPENAPI_JSON_PATH} by openapi-typescript.
// Do not edit: change the route documents in apps/admin/src/openapi/ and run \`npm run openapi\`.

`;

/** apps/admin/openapi.json's text: the document as the admin app serves it, indented for review. */
export function openApiJsonText(doc: oas31.OpenAPIObject = createAdminOpenApi()): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** apps/console/src/api/schema.d.ts's text: `paths`, `components` and `operations` for openapi-fetch and the like. */
export async function consoleTypesText(doc: oas31.OpenAPIObject = createAdminOpenApi()): Promise<string> {
  // A copy: openapi-typescript resolves and annotates the object it is given.
  const ast = await openapiTS(structuredClone(doc) as Parameters<typeof openapiTS>[0]);
  return TYPES_HEADER + astToString(ast);
}

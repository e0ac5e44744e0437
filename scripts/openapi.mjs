// npm run openapi: writes the admin API's OpenAPI document (apps/admin/openapi.json) and the console's types made
// from it (apps/console/src/api/schema.d.ts), from the built admin app (npm run openapi builds first).
// test/openapi.test.ts fails when either file differs from what the code makes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CONSOLE_TYPES_PATH, OPENAPI_JSON_PATH, consoleTypesText, openApiJsonText } from '../apps/admin/dist/openapi/openApiFiles.js';

for (const [path, text] of [
  [OPENAPI_JSON_PATH, openApiJsonText()],
  [CONSOLE_TYPES_PATH, await consoleTypesText()],
]) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}

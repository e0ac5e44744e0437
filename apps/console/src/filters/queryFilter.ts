/**
 * A page's filter kept in its URL's query string, so a filtered view can be reloaded, bookmarked and sent to a
 * colleague. A spec names each field's kind; whatever the query string holds that the spec does not accept (a
 * hand-edited `outcome=nope`, `offer_id=abc`) is dropped rather than sent to the API.
 */
export type FieldKind = 'id' | 'text' | 'instant' | { oneOf: readonly string[] };
export type FilterSpec = Record<string, FieldKind>;
export type FilterOf<S extends FilterSpec> = { [K in keyof S]?: S[K] extends 'id' ? number : string };

function parseField(kind: FieldKind, raw: string): string | number | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  if (kind === 'id') return /^\d{1,10}$/.test(value) && Number(value) > 0 && Number(value) <= 2_147_483_647 ? Number(value) : undefined;
  if (kind === 'text') return value;
  if (kind === 'instant') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  return kind.oneOf.includes(value) ? value : undefined;
}

export function filterFromSearch<S extends FilterSpec>(spec: S, params: URLSearchParams): FilterOf<S> {
  const filter: Record<string, string | number> = {};
  for (const [name, kind] of Object.entries(spec)) {
    const raw = params.get(name);
    const value = raw === null ? undefined : parseField(kind, raw);
    if (value !== undefined) filter[name] = value;
  }
  return filter as FilterOf<S>;
}

/** The query string of a filter, its fields in the spec's order; fields left empty are left out. */
export function searchFromFilter<S extends FilterSpec>(spec: S, filter: FilterOf<S>): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of Object.keys(spec)) {
    const value = filter[name];
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  return params;
}

/** Form values (all strings, as inputs give them) as a filter: the same rules as a query string. */
export function filterFromForm<S extends FilterSpec>(spec: S, form: Record<string, string>): FilterOf<S> {
  return filterFromSearch(spec, new URLSearchParams(Object.entries(form)));
}

// <input type="datetime-local"> has no zone: the console shows and reads every time in UTC, as the API does.
export function toDateTimeLocal(iso: string | undefined): string {
  return iso ? iso.slice(0, 16) : '';
}
export function fromDateTimeLocal(value: string): string {
  if (value === '') return '';
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

/**
 * The macros of an affiliate postback's URL and body templates: `{name}` is replaced by the notification's value of
 * that name, encoded for where it lands. A template is checked when the postback is saved (templateErrors), so an
 * unknown macro is refused then, by name, and never reaches a delivery.
 */
export const MACROS = [
  'transaction_id',
  'status',
  'previous_status',
  'rejected_reason',
  'previous_reason',
  'payout',
  'offer_id',
  'publisher_id',
  'sub_id',
  'changed_at',
] as const;
export type Macro = (typeof MACROS)[number];
/** A notification's value of every macro; null renders as nothing. */
export type MacroValues = Record<Macro, string | null>;

// `{` name `}` where name is a word: JSON's own braces (`{"a":1}`, `{}`) never match, since a quote or nothing follows.
const MACRO = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const KNOWN: ReadonlySet<string> = new Set(MACROS);

/** The unknown macros of a template, each once, in order of appearance (empty: the template is fine). */
export function unknownMacros(template: string): string[] {
  const unknown = new Set<string>();
  for (const [, name] of template.matchAll(MACRO)) if (!KNOWN.has(name!)) unknown.add(name!);
  return [...unknown];
}

/** How a body's macros are escaped: by its Content-Type. */
export type BodyEncoding = 'json' | 'form' | 'text';

/** The encoding of a body sent with this Content-Type (JSON for application/json and any +json type). */
export function bodyEncodingOf(contentType: string | undefined): BodyEncoding {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return 'text';
}

/** A URL template with every macro URL-encoded (a reason with `&` or a space cannot break the query). */
export function renderUrl(template: string, values: MacroValues): string {
  return render(template, values, encodeURIComponent);
}

/**
 * A body template with every macro escaped for its encoding: inside a JSON string literal (quotes, backslashes and
 * control characters escaped; the template supplies the surrounding quotes), form-encoded, or as is for text.
 */
export function renderBody(template: string, values: MacroValues, encoding: BodyEncoding): string {
  const escape = encoding === 'json' ? jsonEscape : encoding === 'form' ? encodeURIComponent : (v: string) => v;
  return render(template, values, escape);
}

function render(template: string, values: MacroValues, escape: (value: string) => string): string {
  return template.replace(MACRO, (whole, name: string) =>
    KNOWN.has(name) ? escape(values[name as Macro] ?? '') : whole,
  );
}

function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

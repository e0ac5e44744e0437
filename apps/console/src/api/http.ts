/** Where the admin API lives: the console is served by the admin app itself, so same origin, under /admin. */
export const API_BASE = '/admin';

/** A query string's values; undefined and '' are left out, so an empty filter sends nothing. */
export type Query = Record<string, string | number | boolean | undefined>;

/** An answer the admin API gave with a status other than 2xx (or no answer at all: status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** What the API sent with it besides `error` (the field a 400 names, would_purge of a refused purge…). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function searchOf(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** An admin API URL for a link (the CSV exports): same filters as the JSON route. */
export function apiHref(path: string, query?: Query): string {
  return `${API_BASE}${path}${searchOf(query)}`;
}

/**
 * One admin API call with the session cookie (Path=/admin, SameSite=Strict). Answers the JSON body; throws
 * ApiError with the API's own `error` text otherwise.
 */
export async function request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiHref(path, options.query), {
      method,
      credentials: 'same-origin',
      headers: options.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (err) {
    throw new ApiError(0, `the admin API could not be reached (${(err as Error).message})`);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const message = typeof body.error === 'string' ? body.error : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message, body);
  }
  return body as T;
}

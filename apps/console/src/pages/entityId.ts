/** A route's :id as an integer id, or undefined when the URL holds something else. */
export function entityId(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d{1,10}$/.test(raw) && Number(raw) > 0 ? Number(raw) : undefined;
}

import { z } from 'zod';

// Field types of the admin API's answers, shared by the route documents.

/** A time as the API writes it: ISO 8601 in UTC (Date.toISOString). */
export const instantText = z.iso.datetime().meta({ description: 'ISO 8601, UTC', example: '2026-11-27T08:00:00.000Z' });

/** Pass as `cursor` for the next page; null on the last one. */
export const nextCursor = z.string().nullable().meta({ description: 'Pass as cursor for the next page; null on the last one' });

import { z } from 'zod';

/**
 * What a notification sends (notifications.request): rendered by the delivery worker at an affiliate notification's
 * first attempt, pre-rendered for an alert's when it is written. Every attempt sends it again as it is, with its own
 * webhook-* headers.
 */
export const deliveryRequestSchema = z.object({
  method: z.enum(['GET', 'POST', 'PUT']),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().nullable(),
});
export type DeliveryRequest = z.infer<typeof deliveryRequestSchema>;

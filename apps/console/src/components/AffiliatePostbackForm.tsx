import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/http';
import { createAffiliatePostback } from '../api/affiliateRoutes';
import { AFFILIATE_METHODS, type AffiliateEvent, type AffiliateMethod, type CreatedAffiliatePostback } from '../api/affiliateTypes';
import { listOffers } from '../api/routes';
import { EMPTY_FORM, MACROS, MAX_DELAY_SECONDS, newPostbackOf, PostbackFormError, sendsBody, type PostbackFormValues } from '../affiliates/postbackForm';
import { ErrorNotice } from './QueryState';

const EVENT_LABELS: Record<AffiliateEvent, string> = {
  rejected: 'Rejected: a conversion becomes rejected',
  reason_updated: 'Reason updated: a rejected conversion gets another reason',
};

const MACRO_LIST = MACROS.map((m) => `{${m}}`).join(' ');

/**
 * A new affiliate postback of a publisher: where to call, which changes fire it, after what delay, for which
 * conversions. What the form cannot send it says at once; the API judges the templates (an unknown macro), and its
 * 400 is shown here, with the field it names marked.
 */
export function AffiliatePostbackForm({ publisherId, onCreated }: { publisherId: number; onCreated: (made: CreatedAffiliatePostback) => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<PostbackFormValues>(EMPTY_FORM);
  const [refused, setRefused] = useState<PostbackFormError | undefined>();
  const offers = useQuery({ queryKey: ['offers', 'all'], queryFn: () => listOffers({ limit: 1000 }) });
  const create = useMutation({
    mutationFn: () => createAffiliatePostback(newPostbackOf(publisherId, form)),
    onSuccess: (made) => {
      setForm(EMPTY_FORM);
      void queryClient.invalidateQueries({ queryKey: ['affiliate-postbacks'] });
      onCreated(made);
    },
  });
  const set = <K extends keyof PostbackFormValues>(name: K, value: PostbackFormValues[K]) => setForm((f) => ({ ...f, [name]: value }));
  const toggleEvent = (event: AffiliateEvent, on: boolean) =>
    set('events', on ? [...form.events.filter((e) => e !== event), event] : form.events.filter((e) => e !== event));

  // The field the last refusal named, the form's own or the API's (its 400 carries `field`).
  const apiField = create.error instanceof ApiError && typeof create.error.body.field === 'string' ? create.error.body.field : undefined;
  const invalidField = refused?.field ?? apiField;
  const invalid = (field: string) => invalidField === field || undefined;
  const withBody = sendsBody(form.method);

  return (
    <form
      className="create postback-form"
      aria-label="New affiliate postback"
      onSubmit={(e) => {
        e.preventDefault();
        create.reset();
        try {
          newPostbackOf(publisherId, form);
        } catch (err) {
          if (err instanceof PostbackFormError) return setRefused(err);
          throw err;
        }
        setRefused(undefined);
        create.mutate();
      }}
    >
      <span className="field wide">
        <label htmlFor="postback-url">URL template</label>
        <input
          id="postback-url"
          value={form.url}
          onChange={(e) => set('url', e.target.value)}
          required
          inputMode="url"
          placeholder="https://affiliate.example/postback?click={sub_id}&status={status}"
          aria-invalid={invalid('url')}
          aria-describedby="postback-macros"
        />
        <span id="postback-macros" className="hint">
          Macros, each URL-encoded where it lands: <code>{MACRO_LIST}</code>
        </span>
      </span>

      <span className="field">
        <label htmlFor="postback-method">Method</label>
        <select id="postback-method" value={form.method} onChange={(e) => set('method', e.target.value as AffiliateMethod)}>
          {AFFILIATE_METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </span>

      <span className="field">
        <label htmlFor="postback-offer">Scope</label>
        <select id="postback-offer" value={form.offerId} onChange={(e) => set('offerId', e.target.value)} aria-invalid={invalid('offer_id')}>
          <option value="">{offers.isPending ? 'Loading offers…' : 'Every conversion of this publisher'}</option>
          {(offers.data?.offers ?? []).map((o) => (
            <option key={o.id} value={o.id}>
              {o.name} ({o.id})
            </option>
          ))}
        </select>
      </span>

      <span className="field">
        <label htmlFor="postback-delay">Delay (seconds)</label>
        <input
          id="postback-delay"
          type="number"
          min={0}
          max={MAX_DELAY_SECONDS}
          step={1}
          value={form.delay}
          onChange={(e) => set('delay', e.target.value)}
          aria-invalid={invalid('delay_seconds')}
          aria-describedby="postback-delay-hint"
        />
        <span id="postback-delay-hint" className="hint">
          After the first change; changes inside it give one notification.
        </span>
      </span>

      <fieldset className="field-group" aria-invalid={invalid('events')}>
        <legend>Events</legend>
        {(Object.keys(EVENT_LABELS) as AffiliateEvent[]).map((event) => (
          <label key={event} className="check">
            <input type="checkbox" checked={form.events.includes(event)} onChange={(e) => toggleEvent(event, e.target.checked)} />
            {EVENT_LABELS[event]}
          </label>
        ))}
      </fieldset>

      <span className="field wide">
        <label htmlFor="postback-reasons">Only these reasons (comma separated; empty: every reason)</label>
        <input id="postback-reasons" value={form.reasons} onChange={(e) => set('reasons', e.target.value)} aria-invalid={invalid('reasons')} />
      </span>

      <span className="field wide">
        <label htmlFor="postback-headers">Headers (one “Name: value” a line)</label>
        <textarea
          id="postback-headers"
          rows={2}
          value={form.headers}
          onChange={(e) => set('headers', e.target.value)}
          placeholder="X-Api-Key: …"
          aria-invalid={invalid('headers')}
        />
      </span>

      {withBody ? (
        <>
          <span className="field wide">
            <label htmlFor="postback-body">Body template ({form.method})</label>
            <textarea
              id="postback-body"
              rows={3}
              value={form.body}
              onChange={(e) => set('body', e.target.value)}
              placeholder='{"transaction_id": "{transaction_id}", "reason": "{rejected_reason}"}'
              aria-invalid={invalid('body')}
              aria-describedby="postback-body-hint"
            />
            <span id="postback-body-hint" className="hint">
              Macros are escaped for the content-type header (JSON-escaped in JSON). Without one, a body starting with {'{'} or [ is sent as
              application/json, any other as text/plain.
            </span>
          </span>
          <label className="check">
            <input type="checkbox" checked={form.signing} onChange={(e) => set('signing', e.target.checked)} />
            Sign deliveries (Standard Webhooks: a secret, shown once)
          </label>
        </>
      ) : null}

      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create affiliate postback'}
        </button>
      </div>
      {refused ? (
        <p className="notice notice-error" role="alert">
          {`Check the form: ${refused.message}.`}
        </p>
      ) : null}
      {create.isError ? <ErrorNotice error={create.error} action /> : null}
      {offers.isError ? <ErrorNotice error={offers.error} retry={() => void offers.refetch()} /> : null}
    </form>
  );
}

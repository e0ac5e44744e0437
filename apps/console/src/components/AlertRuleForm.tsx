import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { createAlertRule } from '../api/affiliateRoutes';
import type { AlertRule } from '../api/affiliateTypes';
import { ApiError } from '../api/http';
import { listAdvertisers, listOffers } from '../api/routes';
import { AlertRuleFormError, alertRuleInputOf, EMPTY_ALERT_RULE_FORM, MAX_WINDOW_MINUTES, type AlertRuleFormValues, type AlertScope } from '../alerts/alertRuleForm';
import { ErrorNotice } from './QueryState';

/** The offers or the advertisers a rule may watch, for the scope's select. */
function useScopeChoices(scope: AlertScope) {
  const offers = useQuery({ queryKey: ['offers', 'all'], queryFn: () => listOffers({ limit: 1000 }), enabled: scope === 'offer' });
  const advertisers = useQuery({ queryKey: ['advertisers', 'all'], queryFn: () => listAdvertisers({ limit: 1000 }), enabled: scope === 'advertiser' });
  const query = scope === 'offer' ? offers : advertisers;
  const choices = scope === 'offer' ? (offers.data?.offers ?? []) : (advertisers.data?.advertisers ?? []);
  return { query, choices };
}

/**
 * A new rejection-rate alert rule: whose conversions it watches (one offer, or all of an advertiser's), over what
 * window, above what share, and where the Slack-compatible message goes. The API judges the webhook URL; its 400
 * marks the field it names, its 404 says the offer or advertiser is gone.
 */
export function AlertRuleForm({ onCreated }: { onCreated: (made: AlertRule) => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<AlertRuleFormValues>(EMPTY_ALERT_RULE_FORM);
  const [refused, setRefused] = useState<AlertRuleFormError | undefined>();
  const { query: scopeQuery, choices } = useScopeChoices(form.scope);
  const create = useMutation({
    mutationFn: () => createAlertRule(alertRuleInputOf(form)),
    onSuccess: (made) => {
      setForm(EMPTY_ALERT_RULE_FORM);
      void queryClient.invalidateQueries({ queryKey: ['alert-rules'] });
      onCreated(made);
    },
  });
  const set = <K extends keyof AlertRuleFormValues>(name: K, value: AlertRuleFormValues[K]) => setForm((f) => ({ ...f, [name]: value }));

  const apiField = create.error instanceof ApiError && typeof create.error.body.field === 'string' ? create.error.body.field : undefined;
  const invalidField = refused?.field ?? apiField;
  const invalid = (...fields: string[]) => (invalidField !== undefined && fields.includes(invalidField)) || undefined;
  const scopeLabel = form.scope === 'offer' ? 'Offer' : 'Advertiser';

  return (
    <form
      className="create alert-rule-form"
      aria-label="New alert rule"
      onSubmit={(e) => {
        e.preventDefault();
        create.reset();
        try {
          alertRuleInputOf(form);
        } catch (err) {
          if (err instanceof AlertRuleFormError) return setRefused(err);
          throw err;
        }
        setRefused(undefined);
        create.mutate();
      }}
    >
      <span className="field">
        <label htmlFor="alert-scope">Scope</label>
        <select id="alert-scope" value={form.scope} onChange={(e) => setForm((f) => ({ ...f, scope: e.target.value as AlertScope, scopeId: '' }))}>
          <option value="offer">One offer</option>
          <option value="advertiser">An advertiser (all its offers)</option>
        </select>
      </span>

      <span className="field">
        <label htmlFor="alert-scope-id">{scopeLabel}</label>
        <select id="alert-scope-id" value={form.scopeId} onChange={(e) => set('scopeId', e.target.value)} aria-invalid={invalid('offer_id', 'advertiser_id')}>
          <option value="">{scopeQuery.isPending ? 'Loading…' : `Choose the ${form.scope}`}</option>
          {choices.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.id})
            </option>
          ))}
        </select>
      </span>

      <span className="field">
        <label htmlFor="alert-window">Window (minutes)</label>
        <input
          id="alert-window"
          type="number"
          min={1}
          max={MAX_WINDOW_MINUTES}
          step={1}
          value={form.windowMinutes}
          onChange={(e) => set('windowMinutes', e.target.value)}
          aria-invalid={invalid('window_minutes')}
        />
      </span>

      <span className="field">
        <label htmlFor="alert-min-conversions">At least (conversions)</label>
        <input
          id="alert-min-conversions"
          type="number"
          min={1}
          step={1}
          value={form.minConversions}
          onChange={(e) => set('minConversions', e.target.value)}
          aria-invalid={invalid('min_conversions')}
        />
      </span>

      <span className="field">
        <label htmlFor="alert-max-rate">Rejection rate above (%)</label>
        <input
          id="alert-max-rate"
          type="number"
          min={0}
          max={100}
          step={0.01}
          value={form.maxRatePercent}
          onChange={(e) => set('maxRatePercent', e.target.value)}
          aria-invalid={invalid('max_rejection_rate_percent')}
        />
      </span>

      <span className="field wide">
        <label htmlFor="alert-webhook">Webhook URL</label>
        <input
          id="alert-webhook"
          value={form.webhookUrl}
          onChange={(e) => set('webhookUrl', e.target.value)}
          required
          inputMode="url"
          placeholder="https://hooks.slack.com/services/…"
          aria-invalid={invalid('webhook_url')}
          aria-describedby="alert-webhook-hint"
        />
        <span id="alert-webhook-hint" className="hint">
          Gets a Slack-compatible JSON POST (<code>text</code> and the figures) when the rate goes above the threshold, delivered and logged like an
          affiliate postback.
        </span>
      </span>

      <label className="check">
        <input type="checkbox" checked={form.notifyResolved} onChange={(e) => set('notifyResolved', e.target.checked)} />
        Also post when the rate falls back below
      </label>

      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create alert rule'}
        </button>
      </div>
      {refused ? (
        <p className="notice notice-error" role="alert">
          {`Check the form: ${refused.message}.`}
        </p>
      ) : null}
      {create.isError ? <ErrorNotice error={create.error} action /> : null}
      {scopeQuery.isError ? <ErrorNotice error={scopeQuery.error} retry={() => void scopeQuery.refetch()} /> : null}
    </form>
  );
}

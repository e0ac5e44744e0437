import { useState } from 'react';
import type { AlertRule } from '../api/affiliateTypes';
import { AlertRuleForm } from '../components/AlertRuleForm';
import { AlertRulesTable } from '../components/AlertRulesTable';

/** Rejection-rate alerts: the network is told when an offer's or an advertiser's conversions are rejected too often. */
export function AlertRulesPage() {
  const [made, setMade] = useState<AlertRule | undefined>();
  return (
    <div className="stack">
      <h1>Alert rules</h1>
      <section>
        <h2>New alert rule</h2>
        <p className="muted">
          The workers look at each rule's window of conversions on a schedule (ALERT_EVALUATION_INTERVAL_MS, a minute by default). When more
          than the threshold share of them were rejected, and at least the minimum were seen, the webhook gets one message; it is not repeated
          while the rate stays above.
        </p>
        <AlertRuleForm onCreated={setMade} />
        {made ? (
          <p role="status" className="status-line">
            Alert rule {made.id} created.
          </p>
        ) : null}
      </section>
      <section>
        <h2>Alert rules</h2>
        <AlertRulesTable />
      </section>
    </div>
  );
}

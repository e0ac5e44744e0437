import { useCopyText } from './useCopyText';

/**
 * An affiliate postback's signing secret, just made: the API answers it in the create's 201 only, so it is shown
 * here once, whole, with a Copy button — like a new rejection URL.
 */
export function ShownOnceSecret({ postbackId, secret }: { postbackId: number; secret: string }) {
  const { input, copied, copy } = useCopyText(secret);
  const title = `Signing secret of affiliate postback ${postbackId}`;
  return (
    <section className="shown-once" aria-label={title}>
      <h3>{title}</h3>
      <p>
        Every delivery carries <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> headers (Standard
        Webhooks): the affiliate verifies the signature with this secret.
      </p>
      <label htmlFor="new-signing-secret">Signing secret</label>
      <div className="copy-row">
        <input id="new-signing-secret" ref={input} readOnly value={secret} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="warning">
        Copy it now and give it to the affiliate: it will not be shown again. A lost secret cannot be recovered — delete the
        postback and create it again to get a new one.
      </p>
      <p role="status" className="muted">
        {copied}
      </p>
    </section>
  );
}

import { useCopyText } from './useCopyText';

/**
 * A rejection URL just made: shown whole, once (only its key's hash is stored, so nobody can show it again), with
 * a Copy button.
 */
export function ShownOnceUrl({ title, url, children }: { title: string; url: string; children?: React.ReactNode }) {
  const { input, copied, copy } = useCopyText(url);
  return (
    <section className="shown-once" aria-label={title}>
      <h3>{title}</h3>
      {children}
      <label htmlFor="new-rejection-url">Rejection URL</label>
      <div className="copy-row">
        <input id="new-rejection-url" ref={input} readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="warning">
        Copy it now and share it with the advertiser: it will not be shown again. A lost URL cannot be recovered — rotate it
        to get a new one.
      </p>
      <p role="status" className="muted">
        {copied}
      </p>
    </section>
  );
}

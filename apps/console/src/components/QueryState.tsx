import type { ReactNode } from 'react';
import { useLocation } from 'react-router';
import { ApiError } from '../api/http';

/** Where the login form sends the browser back to: this page of the console. */
function useLoginHref(): string {
  const location = useLocation();
  return `/admin/login?next=${encodeURIComponent(`/admin/console${location.pathname}${location.search}`)}`;
}

/**
 * What went wrong, in words that say what to do next. `action`: the error of something the operator did (a create,
 * a pause), whose 404 is about an id the action named (an offer chosen, a postback someone else deleted), not about
 * the page's address.
 */
export function ErrorNotice({ error, retry, action = false }: { error: unknown; retry?: () => void; action?: boolean }) {
  const loginHref = useLoginHref();
  const status = error instanceof ApiError ? error.status : undefined;
  let text: ReactNode;
  if (status === 401) {
    text = (
      <>
        Your session ended: <a href={loginHref}>log in again</a>.
      </>
    );
  } else if (status === 503) {
    text = 'A store is unreachable (Postgres or Redis), retry in a moment.';
  } else if (status === 0) {
    text = 'The admin server cannot be reached: check that it runs, then retry.';
  } else if (status === 404 && !action) {
    text = `The admin API answered 404 (${(error as Error).message}): check the id in the address, or update the admin app if this page is newer than it.`;
  } else if (status !== undefined && status < 500) {
    text = `The admin API refused this: ${(error as Error).message}.`;
  } else {
    text = `Something failed on the server (${error instanceof Error ? error.message : String(error)}); retry, and if it persists look at the admin app's log.`;
  }
  return (
    <div className="notice notice-error" role="alert">
      <p>{text}</p>
      {retry && status !== 401 ? (
        <button type="button" onClick={retry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="notice">{children}</p>;
}

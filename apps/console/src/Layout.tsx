import { useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';

const PAGES = [
  ['/advertisers', 'Advertisers'],
  ['/offers', 'Offers'],
  ['/publishers', 'Publishers'],
  ['/log', 'Rejection log'],
  ['/deliveries', 'Deliveries'],
  ['/alert-rules', 'Alert rules'],
  ['/refusals', 'Refused requests'],
  ['/reports', 'Reports'],
  ['/dead-letters', 'Dead letters'],
] as const;

/** The one navigation of the console; on a phone's width it folds behind a Menu button. */
export function Layout() {
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const [openedAt, setOpenedAt] = useState(location.key);
  // A link followed closes the folded menu.
  if (openedAt !== location.key) {
    setOpenedAt(location.key);
    setOpen(false);
  }
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Postback Pipeline</span>
        <button type="button" className="menu-button" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen(!open)}>
          Menu
        </button>
        <nav id="main-nav" aria-label="Console" className={open ? 'open' : undefined}>
          <ul>
            {PAGES.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to}>{label}</NavLink>
              </li>
            ))}
            <li>
              <a href="/admin/queues">Queues (bull-board)</a>
            </li>
            <li>
              <a href="/admin/logout">Log out</a>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

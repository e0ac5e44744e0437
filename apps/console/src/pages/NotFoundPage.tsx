import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no such page in the console. Start from the <Link to="/advertisers">advertisers</Link> or the{' '}
        <Link to="/offers">offers</Link>.
      </p>
    </>
  );
}

import { useSearchParams } from 'react-router';

/**
 * A list page's search by a part of the name, kept in the address (?name=…) so a search can be shared and survives a
 * reload. Returns the name searched for and the form.
 */
export function useNameSearch(): { name: string; form: React.JSX.Element } {
  const [params, setParams] = useSearchParams();
  const name = params.get('name') ?? '';
  const form = (
    <form
      role="search"
      className="filters"
      onSubmit={(e) => {
        e.preventDefault();
        const value = String(new FormData(e.currentTarget).get('name') ?? '').trim();
        setParams(value ? { name: value } : {});
      }}
    >
      <label>
        Name contains
        <input name="name" type="search" defaultValue={name} key={name} />
      </label>
      <button type="submit">Search</button>
    </form>
  );
  return { name, form };
}

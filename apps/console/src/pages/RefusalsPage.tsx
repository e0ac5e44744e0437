import { useSearchParams } from 'react-router';
import { FilterForm } from '../components/FilterForm';
import { RefusalsTable } from '../components/RefusalsTable';
import { filterFromForm, filterFromSearch, searchFromFilter } from '../filters/queryFilter';
import { REFUSAL_FILTER } from '../filters/specs';

const FIELDS = [
  { name: 'endpoint_id', label: 'Rejection URL id' },
  {
    name: 'status',
    label: 'Status',
    options: [['', 'any'], ...['400', '401', '403', '413', '415', '429'].map((s) => [s, s] as const)] as const,
  },
  { name: 'since', label: 'Since (UTC)' },
];

/** Every request the receiver refused: how an account manager sees a URL misused or misconfigured. */
export function RefusalsPage() {
  const [params, setParams] = useSearchParams();
  const filter = filterFromSearch(REFUSAL_FILTER, params);
  return (
    <>
      <h1>Refused requests</h1>
      <p className="muted">Requests the receiver answered with 400, 401, 403, 413, 415 or 429. Keys are never kept: paths show key=****.</p>
      <FilterForm spec={REFUSAL_FILTER} fields={FIELDS} filter={filter} onApply={(form) => setParams(searchFromFilter(REFUSAL_FILTER, filterFromForm(REFUSAL_FILTER, form)))}>
        <button type="button" onClick={() => setParams({})}>
          Clear
        </button>
      </FilterForm>
      <RefusalsTable filter={filter} />
    </>
  );
}

import type { ReactNode } from 'react';
import { fromDateTimeLocal, toDateTimeLocal, type FilterOf, type FilterSpec } from '../filters/queryFilter';

export interface FieldView {
  name: string;
  label: string;
  /** Choices of a select; the first, '', means any. */
  options?: ReadonlyArray<readonly [string, string]>;
}

/**
 * A filter form whose fields come from a spec (ids, text, instants as UTC datetime-local, choices). Submitting
 * gives the form's values as strings, instants already ISO: the caller reads them with filterFromForm.
 */
export function FilterForm<S extends FilterSpec>({
  spec,
  fields,
  filter,
  onApply,
  children,
}: {
  spec: S;
  fields: FieldView[];
  filter: FilterOf<S>;
  onApply: (form: Record<string, string>) => void;
  children?: ReactNode;
}) {
  // Keyed by the applied filter: going back in history shows that filter's values, not the last typed ones.
  const formKey = JSON.stringify(filter);
  return (
    <form
      key={formKey}
      className="filters"
      aria-label="Filters"
      onSubmit={(e) => {
        e.preventDefault();
        const values: Record<string, string> = {};
        for (const [name, value] of new FormData(e.currentTarget).entries()) {
          values[name] = spec[name] === 'instant' ? fromDateTimeLocal(String(value)) : String(value);
        }
        onApply(values);
      }}
    >
      {fields.map((field) => {
        const kind = spec[field.name];
        const current = filter[field.name];
        const value = current === undefined ? '' : String(current);
        return (
          <span className="field" key={field.name}>
            <label htmlFor={`filter-${field.name}`}>{field.label}</label>
            {field.options ? (
              <select id={`filter-${field.name}`} name={field.name} defaultValue={value}>
                {field.options.map(([v, text]) => (
                  <option key={v} value={v}>
                    {text}
                  </option>
                ))}
              </select>
            ) : kind === 'instant' ? (
              <input id={`filter-${field.name}`} name={field.name} type="datetime-local" defaultValue={toDateTimeLocal(value || undefined)} />
            ) : (
              <input id={`filter-${field.name}`} name={field.name} inputMode={kind === 'id' ? 'numeric' : undefined} defaultValue={value} />
            )}
          </span>
        );
      })}
      <div className="actions">
        <button type="submit" className="primary">
          Apply
        </button>
        {children}
      </div>
    </form>
  );
}

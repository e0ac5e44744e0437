import { tableFeatures, useTable, type ColumnDef, type RowData } from '@tanstack/react-table';

const features = tableFeatures({});
export type Column<Row extends RowData> = ColumnDef<typeof features, Row, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A plain table of API rows: headers and cells from column definitions, every value rendered by React as text.
 * It scrolls sideways inside its own box on a narrow screen, and that box is focusable so a keyboard can scroll it.
 */
export function DataTable<Row extends RowData>({ label, columns, rows, rowKey }: { label: string; columns: Column<Row>[]; rows: Row[]; rowKey: (row: Row) => string }) {
  const table = useTable({ features, columns, data: rows, getRowId: (row) => rowKey(row) });
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      <table>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getAllCells().map((cell) => (
                <td key={cell.id}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { rotateRejectionEndpoint } from '../api/routes';
import type { RejectionEndpoint, RotatedRejectionEndpoint } from '../api/types';
import { GRACE_UNITS, graceSeconds, type GraceUnit } from '../format/format';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorNotice } from './QueryState';

/** Rotate: a new URL for the same scope; the old one keeps working for the grace period picked here (default 7 days). */
export function RotateDialog({
  endpoint,
  onClose,
  onRotated,
}: {
  endpoint: RejectionEndpoint | undefined;
  onClose: () => void;
  onRotated: (made: RotatedRejectionEndpoint) => void;
}) {
  const [amount, setAmount] = useState('7');
  const [unit, setUnit] = useState<GraceUnit>('days');
  const seconds = graceSeconds(amount, unit);
  const rotate = useMutation({
    mutationFn: ({ id, grace }: { id: number; grace: number }) => rotateRejectionEndpoint(id, { grace_seconds: grace }),
    onSuccess: (made) => {
      rotate.reset();
      onRotated(made);
    },
  });
  return (
    <ConfirmDialog
      open={endpoint !== undefined}
      title={`Rotate rejection URL ${endpoint?.id ?? ''}`}
      confirmLabel="Rotate"
      busy={rotate.isPending}
      disabled={seconds === undefined}
      onConfirm={() => endpoint && seconds !== undefined && rotate.mutate({ id: endpoint.id, grace: seconds })}
      onCancel={() => {
        rotate.reset();
        onClose();
      }}
    >
      <p>A new URL replaces this one. The old URL keeps working during the grace period, so the advertiser can switch without losing postbacks; then it stops by itself.</p>
      <div className="field-row">
        <label>
          Grace period
          <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} aria-invalid={seconds === undefined} />
        </label>
        <label>
          Unit
          <select value={unit} onChange={(e) => setUnit(e.target.value as GraceUnit)}>
            {Object.keys(GRACE_UNITS).map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </label>
      </div>
      {seconds === undefined ? <p role="alert">Give the grace period as a number of {unit}, 0 or more (0: the old URL stops now).</p> : null}
      {rotate.isError ? <ErrorNotice error={rotate.error} /> : null}
    </ConfirmDialog>
  );
}

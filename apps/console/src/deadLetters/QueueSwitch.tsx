import type { DeadLetterQueue } from '../api/types';

const QUEUES: Array<{ queue: DeadLetterQueue; label: string }> = [
  { queue: 'postbacks', label: 'Postbacks' },
  { queue: 'deliveries', label: 'Affiliate deliveries' },
];

/** Which dead-letter queue the page works on: the postbacks' or the affiliate notifications' deliveries'. */
export function QueueSwitch({ queue, onChange }: { queue: DeadLetterQueue; onChange: (queue: DeadLetterQueue) => void }) {
  return (
    <fieldset className="field-group queue-switch">
      <legend>Queue</legend>
      {QUEUES.map((q) => (
        <label key={q.queue} className="check">
          <input type="radio" name="dead-letter-queue" value={q.queue} checked={queue === q.queue} onChange={() => onChange(q.queue)} />
          {q.label}
        </label>
      ))}
    </fieldset>
  );
}

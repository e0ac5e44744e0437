// dlq_replays.queue is a varchar(200).
const QUEUE_COLUMN_CHARS = 200;

/**
 * The dead-letter queues a replay works on, as its record names them: their names, space-separated; when they do not
 * fit the column, as many as fit and how many more there were.
 */
export function queuesNamed(qualifiedNames: readonly string[]): string {
  const all = qualifiedNames.join(' ');
  if (all.length <= QUEUE_COLUMN_CHARS) return all;
  for (let kept = qualifiedNames.length - 1; kept > 0; kept -= 1) {
    const text = `${qualifiedNames.slice(0, kept).join(' ')} and ${qualifiedNames.length - kept} more`;
    if (text.length <= QUEUE_COLUMN_CHARS) return text;
  }
  return `${qualifiedNames.length} dead-letter queues`;
}

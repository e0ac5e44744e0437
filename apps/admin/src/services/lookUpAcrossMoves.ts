/**
 * A postback moves while it is looked up: a replay takes it from a dead-letter queue to a main queue, a failing job
 * goes the other way, and a job leaves its queue once its batch has committed the log row. The places are read one
 * after another, so a postback can move out of a place not read yet into one already read (the log read before the
 * commit, the queue after the job left). Reading them all again finds it unless it moved in every pass.
 * Places are read in order, and the first that has it answers.
 */
export async function lookUpAcrossMoves<T>(passes: number, places: ReadonlyArray<() => Promise<T | undefined>>): Promise<T | undefined> {
  for (let pass = 0; pass < passes; pass++) {
    for (const read of places) {
      const found = await read();
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

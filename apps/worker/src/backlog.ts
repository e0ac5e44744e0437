/**
 * The postbacks a worker process has yet to apply: those its running jobs hold, and those of the jobs waiting in the
 * queues of the shards it consumes. Counted in postbacks, not jobs: a job carries from one postback to 500 (a
 * receiver's turn, a bulk upload's rows), and a process keeps WORKER_CONCURRENCY jobs running, so while a burst
 * drains the wait lists may hold few jobs or none while the running ones hold thousands of postbacks.
 * The waiting jobs are counted by a poll of Redis (`waitingInQueues`) and converted at the mean size of the jobs
 * this process took lately.
 */
export class Backlog {
  private jobsHeld = 0;
  private postbacksHeld = 0;
  private waitingJobs = 0;
  /** Mean postbacks per job over the jobs taken lately (an exponential moving average); 1 until a job is taken. */
  private meanJobSize = 1;
  private sized = false;

  /** A job of `postbacks` is being applied; call `jobDone` with the same count once it is done, whatever its end. */
  jobTaken(postbacks: number): void {
    this.jobsHeld += 1;
    this.postbacksHeld += postbacks;
    this.meanJobSize = this.sized ? this.meanJobSize + MEAN_WEIGHT * (postbacks - this.meanJobSize) : postbacks;
    this.sized = true;
  }

  jobDone(postbacks: number): void {
    this.jobsHeld = Math.max(0, this.jobsHeld - 1);
    this.postbacksHeld = Math.max(0, this.postbacksHeld - postbacks);
  }

  /** The jobs waiting in the consumed shards' queues, as last read from Redis. */
  waitingInQueues(jobs: number): void {
    this.waitingJobs = jobs;
  }

  postbacks(): number {
    return this.postbacksHeld + Math.round(this.waitingJobs * this.meanJobSize);
  }
}

/** The weight of the latest job in the mean size: about the last ten jobs count. */
const MEAN_WEIGHT = 0.1;

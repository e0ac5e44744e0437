import { describe, expect, it } from 'vitest';
import { Backlog } from './backlog.js';

describe('Backlog', () => {
  it('counts the postbacks of the running jobs until each is done', () => {
    const backlog = new Backlog();
    backlog.jobTaken(500);
    backlog.jobTaken(300);
    expect(backlog.postbacks()).toBe(800);
    backlog.jobDone(500);
    expect(backlog.postbacks()).toBe(300);
    backlog.jobDone(300);
    expect(backlog.postbacks()).toBe(0);
  });

  it('counts waiting jobs at the mean size of the jobs taken lately', () => {
    const backlog = new Backlog();
    // None taken yet: a waiting job counts as one postback.
    backlog.waitingInQueues(40);
    expect(backlog.postbacks()).toBe(40);
    backlog.jobTaken(500);
    backlog.jobDone(500);
    expect(backlog.postbacks()).toBe(40 * 500);
    // Smaller jobs pull the mean down, a tenth of the way each.
    backlog.jobTaken(100);
    backlog.jobDone(100);
    expect(backlog.postbacks()).toBe(40 * 460);
    backlog.waitingInQueues(0);
    expect(backlog.postbacks()).toBe(0);
  });

  it('never counts below nothing, whatever order the calls come in', () => {
    const backlog = new Backlog();
    backlog.jobDone(10);
    expect(backlog.postbacks()).toBe(0);
  });
});

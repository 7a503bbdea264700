// A worker thread of the job runner's pool (sim/jobs.ts, piscina): runs one task at a time and
// returns its result (or its bad input) as plain data.
import { type Task, type WorkerReply, runTaskReply } from './job-tasks.js';

export default function work(task: Task): WorkerReply {
  return runTaskReply(task);
}

// A worker thread of the job runner's pool (sim/jobs.ts, piscina): runs one task at a time and
// returns its result as plain data.
import { type Task, type TaskResult, runTask } from './job-tasks.js';

export default function work(task: Task): TaskResult {
  return runTask(task);
}

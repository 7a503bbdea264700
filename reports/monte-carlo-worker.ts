// A Monte Carlo worker thread: runs the seeds it is given, one after another, and posts each
// seed's outcome back as plain data (decimals as strings) for the main thread to merge by seed.
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario } from '../sim/scenario.js';
import { runSeed, toWire } from './monte-carlo.js';

const { file, seeds } = workerData as { file: string; seeds: number[] };
for (const seed of seeds) parentPort!.postMessage(toWire(runSeed(loadScenario(file, { seed }))));

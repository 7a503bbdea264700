// A Monte Carlo worker thread: runs the seeds it is given, one after another, and posts each
// seed's outcome back as plain data (decimals as strings) for the main thread to merge by seed.
import { parentPort, workerData } from 'node:worker_threads';
import { type LoadOptions, loadScenario } from '../sim/scenario.js';
import { runSeed, toWire } from './monte-carlo.js';

const { file, load, seeds } = workerData as { file: string; load: Omit<LoadOptions, 'seed'>; seeds: number[] };
for (const seed of seeds) parentPort!.postMessage(toWire(runSeed(loadScenario(file, { ...load, seed }))));

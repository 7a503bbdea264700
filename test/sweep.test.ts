// Sweeps (issue 16): the grid, the tables, the statistics and ranking, the same bytes for any
// number of workers, resuming after a crash, and compare --seeds through the same job runner.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareToDirectory } from '../sim/compare.js';
import { CellAccumulator, type CellRow, parseObjective, rankCells } from '../sim/sweep-cells.js';
import { FIGURES } from '../sim/sweep-figures.js';
import { parseGridOption, sweepToDirectory } from '../sim/sweep.js';
import { loadJobScenario } from '../sim/scenario.js';
import { mamlab } from './cli.js';
import { ROOT, csvRecords, scenarioPath } from './helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mamlab-sweep-'));
const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');

describe('the grid on the command line', () => {
  it('reads each value as YAML, keeps long decimals as written and splits only at top-level commas', () => {
    expect(parseGridOption('program.performanceFee=0.2,0.25')).toEqual({ path: 'program.performanceFee', values: [0.2, 0.25] });
    expect(parseGridOption('policies.performanceFee.period=monthly, quarterly').values).toEqual(['monthly', 'quarterly']);
    expect(parseGridOption('investors.0.deposit=0.1234567890123456789').values).toEqual(['0.1234567890123456789']);
    expect(parseGridOption('rebates.plan=seed000,{default: {perLot: "4"}}').values).toEqual(['seed000', { default: { perLot: '4' } }]);
    expect(parseGridOption('a.b=true,"x,y",[1, 2]').values).toEqual([true, 'x,y', [1, 2]]);
  });
  it('refuses a path that is not dotted names and positions, and an empty value', () => {
    expect(() => parseGridOption('program..fee=1')).toThrow(/dotted path/);
    expect(() => parseGridOption('=1,2')).toThrow(/dotted path/);
    expect(() => parseGridOption('program.performanceFee=0.2,,0.3')).toThrow(/a value between every two commas/);
  });
});

describe('a cell over its seeds', () => {
  const at = (name: string): number => FIGURES.findIndex((f) => f.name === name);
  /** Figures of one job: every figure empty but the ones given. */
  const job = (values: Record<string, string>): string[] => FIGURES.map((f) => values[f.name] ?? '');

  it('takes the mean exactly, quantiles by nearest rank and the worst seed by who reads the figure', () => {
    const cell = new CellAccumulator(1, '', []);
    // 20 seeds: manager_net 1, 2, …, 20; investor drawdown 0.01 … 0.20; a stop-out in 3 seeds.
    for (let k = 1; k <= 20; k++) cell.add(job({ manager_net: `${k}.5`, investor_drawdown_worst: (k / 100).toFixed(2), stop_outs: k % 7 === 0 || k === 20 ? '1' : '0', breaches: '0' }));
    const r = cell.row();
    // mean of 1.5 … 20.5 = (1.5 + 20.5) / 2 = 11; q05 = the ⌈0.05·20⌉ = 1st smallest; q50 = the 10th; q95 = the 19th.
    expect([r.values.manager_net_mean, r.values.manager_net_q05, r.values.manager_net_q50, r.values.manager_net_q95]).toEqual(['11.0000000', '1.5000000', '10.5000000', '19.5000000']);
    // Better higher: the worst seed is the lowest; a drawdown is better lower: the worst is the highest.
    expect(r.values.manager_net_worst).toBe('1.5000000');
    expect(r.values.investor_drawdown_worst_worst).toBe('0.2');
    // Stop-outs in seeds 7, 14 and 20: 3 of 20.
    expect(r.values.stop_out_probability).toBe('0.15');
    expect(r.values.breach_probability).toBe('0');
    // A figure no seed has stays empty.
    expect(r.values.tracking_error_mam_worst_mean).toBe('');
    expect(at('manager_net')).toBe(0);
  });

  it('rounds a USD mean half-up at 7 decimals', () => {
    const cell = new CellAccumulator(1, '', []);
    for (const v of ['0.0000001', '0.0000001', '0.0000000']) cell.add(job({ manager_net: v }));
    // 0.0000002 / 3 = 0.0000000667 → 0.0000001
    expect(cell.row().values.manager_net_mean).toBe('0.0000001');
  });
});

describe('ranking cells on objectives', () => {
  const row = (cell: number, values: Record<string, string>): CellRow => ({ cell, variant: '', params: [], seeds: 1, values, feasible: true, rank: null });

  it('puts the cells that meet every constraint first, then ranks by each goal in turn, ties in cell order', () => {
    const rows = [
      row(1, { manager_net_mean: '100', investors_net_q05: '-7000', tracking_error_worst_q95: '0.001' }),
      row(2, { manager_net_mean: '90', investors_net_q05: '-5000', tracking_error_worst_q95: '0.001' }),
      row(3, { manager_net_mean: '95', investors_net_q05: '-5000', tracking_error_worst_q95: '0.001' }),
      row(4, { manager_net_mean: '95', investors_net_q05: '-4000', tracking_error_worst_q95: '0.001' }),
      row(5, { manager_net_mean: '200', investors_net_q05: '-4000', tracking_error_worst_q95: '' }),
    ];
    rankCells(rows, ['investors_net_q05 > -6000', 'tracking_error_worst_q95 <= 0.001', 'max manager_net', 'max investors_net_q05'].map(parseObjective));
    // Cell 1 misses the first constraint; cell 5 has no tracking error to meet the second.
    expect(rows.map((r) => r.feasible)).toEqual([false, true, true, true, false]);
    // Feasible by manager_net: 95 (cells 3 and 4, then investors_net_q05 −4,000 beats −5,000: 4 before 3), 90;
    // then the cells that miss a constraint, ranked the same way: 5 (200) before 1 (100).
    expect(rows.map((r) => r.rank)).toEqual([5, 3, 2, 1, 4]);
  });

  it('reads a figure alone as its mean and refuses an unknown figure or form', () => {
    expect(parseObjective('min investors_fees')).toMatchObject({ kind: 'goal', column: 'investors_fees_mean', direction: 'min' });
    expect(parseObjective('stop_out_probability < 0.05')).toMatchObject({ kind: 'constraint', column: 'stop_out_probability', op: '<' });
    expect(() => parseObjective('max manager_pay')).toThrow(/not manager_pay/);
    expect(() => parseObjective('manager_net about 5')).toThrow(/max FIGURE/);
  });
});

describe('mamlab sweep on seed 001 (fee rate 20%, 25%, 50%)', async () => {
  const out = join(tmp(), 'sweep');
  const r = await sweepToDirectory(scenarioPath('seed001-profit-distribution.json'), out, { grid: [parseGridOption('program.performanceFee=0.2,0.25,0.5')], workers: 1, objectives: ['max manager_net'] });
  const rows = csvRecords(read(out, 'results.csv'));

  it('writes one row per cell and subject with the grid value as a column', () => {
    expect(readdirSync(out).filter((f) => !f.startsWith('.')).sort()).toEqual(['cells.csv', 'results.csv', 'sweep.html', 'sweep.json']);
    // Per cell: program, manager, four pool members, broker.
    expect(rows.length).toBe(3 * 7);
    expect(Object.keys(rows[0]!).slice(0, 5)).toEqual(['cell', 'variant', 'seed', 'program.performanceFee', 'subject']);
  });

  it('gives the manager rate × the investors\' 24,000 profit (10 lots × 3,000 pips = 30,000, 80% theirs), and each investor its share less the fee', () => {
    // investor-1 holds 30%: 9,000 of profit, 4,500 deposited.
    for (const [cell, rate] of [['1', '0.2'], ['2', '0.25'], ['3', '0.5']] as const) {
      const fee = 24000 * Number(rate);
      const manager = rows.find((x) => x.cell === cell && x.subject === 'manager')!;
      expect(manager.fees_earned).toBe(fee.toFixed(7));
      expect(manager.equity).toBe((9000 + fee).toFixed(7));
      const i1 = rows.find((x) => x.cell === cell && x.id === 'investor-1')!;
      expect(i1.equity).toBe((4500 + 9000 * (1 - Number(rate))).toFixed(7));
      expect(i1.fees_paid).toBe((9000 * Number(rate)).toFixed(7));
    }
  });

  it('ranks the 50% fee first for the manager and says so in cells.csv and sweep.json', () => {
    const cells = csvRecords(read(out, 'cells.csv'));
    expect(cells.map((c) => [c['program.performanceFee'], c.manager_net_mean, c.rank])).toEqual([['0.2', '4800.0000000', '3'], ['0.25', '6000.0000000', '2'], ['0.5', '12000.0000000', '1']]);
    const json = JSON.parse(read(out, 'sweep.json')) as { best: Array<{ cell: number; params: Record<string, string> }>; jobs: number };
    expect([json.jobs, json.best[0]!.params['program.performanceFee']]).toEqual([3, '0.5']);
    expect(r.cells.find((c) => c.rank === 1)!.cell).toBe(3);
  });
});

describe('a sweep of the stress scenario (variants × grid × seeds)', () => {
  const file = scenarioPath('stress-weekend-gap.json');
  const args = ['--grid', 'risk.pool.weeklyLossPct=10,30', '--seeds', '3', '--objective', 'min investors_net_worst'];

  it('writes the same bytes on one worker or two, and resumes after a crash with the same bytes', () => {
    const dir = tmp();
    const one = mamlab(['sweep', file, '--out', join(dir, 'one'), '--workers', '1', '--quiet', ...args]);
    const two = mamlab(['sweep', file, '--out', join(dir, 'two'), '--workers', '2', '--quiet', ...args]);
    expect([one.status, one.stderr, two.status, two.stderr]).toEqual([0, '', 0, '']);
    // 2 grid points × 5 variants × 3 seeds; per job: program, manager, 5 investors, broker.
    expect(read(join(dir, 'one'), 'results.csv').trim().split('\n').length - 1).toBe(30 * 8);
    for (const f of ['results.csv', 'cells.csv', 'sweep.json', 'sweep.html']) expect(read(join(dir, 'two'), f), f).toBe(read(join(dir, 'one'), f));
    // Killed after 7 jobs (SIGKILL, no cleanup): the work area keeps them; the rerun takes them and runs the rest.
    const killed = spawnSync(process.execPath, ['--import', 'tsx', 'bin/mamlab.ts', 'sweep', file, '--out', join(dir, 'resumed'), '--workers', '1', '--quiet', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MAMLAB_FAULT: 'after-job-7' } });
    expect(killed.signal).toBe('SIGKILL');
    const work = join(dir, '.resumed.work');
    expect(readdirSync(work).filter((f) => f.endsWith('.json')).length).toBe(7);
    const again = mamlab(['sweep', file, '--out', join(dir, 'resumed'), '--workers', '2', ...args]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('30 jobs (7 found finished in the work area)');
    for (const f of ['results.csv', 'cells.csv', 'sweep.json', 'sweep.html']) expect(read(join(dir, 'resumed'), f), f).toBe(read(join(dir, 'one'), f));
    expect(existsSync(work)).toBe(false);
  });

  it('refuses bad grids and objectives with exit 2, naming what is wrong, and writes nothing', () => {
    const dir = tmp();
    const cases: Array<[string[], RegExp]> = [
      [['--grid', 'risk.pool.weeklyLossPct'], /--grid risk\.pool\.weeklyLossPct: expected PATH=V1,V2/],
      [['--grid', 'risk.pool.weeklyLossPct=ten'], /sweep grid point 1 \(risk\.pool\.weeklyLossPct=ten\), variant as-scripted \(values from --grid\) → .*weeklyLossPct/],
      [['--grid', 'investors.9.deposit=1'], /a position within the list at investors \(it has 5 entries\)/],
      [['--objective', 'max manager_pay'], /not manager_pay/],
      // The job's own seed would override a grid's: refused, as are paths that do not change a run.
      [['--grid', 'seed=1,2'], /--grid: expected a path the grid can set, not seed: each job runs its own seed/],
      [['--grid', 'description=a,b'], /not description: it does not change a run/],
      [['--grid', 'risk.stopOutPct=20', '--grid', 'risk.stopOutPct=30'], /expected each path once: risk\.stopOutPct is given twice/],
    ];
    for (const [extra, message] of cases) {
      const r = mamlab(['sweep', file, '--out', join(dir, 'x'), '--workers', '1', ...extra]);
      expect([r.status, r.stderr], extra.join(' ')).toEqual([2, expect.stringMatching(message)]);
      expect(r.stderr).not.toMatch(/\n {4}at /);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('--strict on a sweep', () => {
  it("checks every cell: a grid value that puts an order above EURUSD's 100-lot maximum refuses the sweep, naming the grid point", () => {
    const dir = tmp();
    const r = mamlab(['sweep', scenarioPath('seed001-profit-distribution.json'), '--out', join(dir, 'x'), '--grid', 'orders.0.volume=10,120', '--strict']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('/orders/0/volume: will be rejected at run time: volume 120 is above the maximum lot 100 of EURUSD (in grid point 2 (orders.0.volume=120))');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('mamlab validate on a scenario with a sweep section', () => {
  it('checks every cell and counts the jobs: 3 fees × 2 periods × 2 copy methods × 2 rebate plans = 24 cells, × 30 seeds', () => {
    const r = mamlab(['validate', scenarioPath('fee-terms-sweep.json')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('sweep: 24 grid points × 30 seeds = 720 jobs; objectives: investors_net_q05 > -6000; max manager_net\n');
  });
});

describe('compare --seeds', async () => {
  const out = join(tmp(), 'cmp');
  const r = await compareToDirectory(scenarioPath('stress-weekend-gap.json'), out, { seeds: 3, workers: 2 });
  const rows = csvRecords(read(out, 'results.csv'));

  it("writes each variant's full run at the first seed, and its figures over all seeds", () => {
    expect(r.cells!.map((c) => [c.variant, c.seeds])).toEqual(['as-scripted', 'pause', 'carry', 'no-weekend-gap', 'tight-pool'].map((v) => [v, 3]));
    expect(new Set(rows.map((x) => x.seed))).toEqual(new Set(['600', '601', '602']));
    expect(read(out, 'comparison.html')).toContain('Across 3 seeds (600–602)');
  });

  it("gives the first seed, taken from each variant's full run, the same rows as a sweep job of that seed (a run that writes no files)", async () => {
    const one = join(tmp(), 'one');
    await sweepToDirectory(scenarioPath('stress-weekend-gap.json'), one, { seeds: 1, workers: 1 });
    const alone = csvRecords(read(one, 'results.csv'));
    expect(alone.length).toBe(5 * 8);
    const strip = ({ cell: _c, ...rest }: Record<string, string>): Record<string, string> => rest;
    expect(rows.filter((x) => x.seed === '600').map(strip)).toEqual(alone.map(strip));
  });

  it("matches each variant's summary.json at the first seed", () => {
    for (const v of ['as-scripted', 'carry']) {
      const s = JSON.parse(read(join(out, v), 'summary.json')) as { investors: Array<{ id: string; equity: string; netResult: string }>; broker: { net: string } };
      for (const i of s.investors) {
        const x = rows.find((y) => y.variant === v && y.seed === '600' && y.id === i.id)!;
        expect([x.equity, x.net_result], `${v} ${i.id}`).toEqual([i.equity, i.netResult]);
      }
      expect(rows.find((y) => y.variant === v && y.seed === '600' && y.subject === 'broker')!.net_result).toBe(s.broker.net);
    }
  });
});

describe('the work area and kept runs', () => {
  /**
   * A sweep of 4 seeds whose scenario is edited on disk after its third job (the first investor's
   * deposit), saved whole as an editor does (written beside, then renamed: a thread reading a
   * half-written file would see something else). Returns the number of finished jobs kept.
   */
  async function editedMidRun(workers: number): Promise<number> {
    const dir = tmp();
    const file = join(dir, 'stress.json');
    copyFileSync(scenarioPath('stress-weekend-gap.json'), file);
    let edited = false;
    const run = sweepToDirectory(file, join(dir, 'out'), {
      seeds: 4, workers,
      onProgress: (p) => {
        if (p.done === 3 && !edited) {
          edited = true;
          writeFileSync(`${file}.new`, readFileSync(file, 'utf8').replace('"deposit": "50000"', '"deposit": "50001"'));
          renameSync(`${file}.new`, file);
        }
      },
    });
    await expect(run).rejects.toThrow(/stress\.json: changed while the command was running/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    return readdirSync(join(dir, '.out.work')).filter((f) => f.endsWith('.json')).length;
  }

  it('refuses to go on when the scenario is edited while the jobs run, and keeps only the jobs of the first content', async () => {
    // The work area keeps the three jobs of the first content only.
    expect(await editedMidRun(1)).toBe(3);
  });

  it('a job that finds its scenario file empty (being saved) is refused as bad input, not an internal error', () => {
    const dir = tmp();
    const file = join(dir, 'empty.yaml');
    writeFileSync(file, '');
    expect(() => loadJobScenario({ file, variant: 'pause', seed: 1 })).toThrow(/empty\.yaml: \(top level\): expected a JSON\/YAML object at the top level/);
  });

  it('the same on two worker threads: the error comes back from a thread, and the finished jobs stay', async () => {
    // At least the three jobs finished before the edit are kept (a thread may finish a fourth of the first content).
    expect(await editedMidRun(2)).toBeGreaterThanOrEqual(3);
  });

  it('refuses a work-area folder mamlab did not create, and writes nothing', () => {
    const dir = tmp();
    mkdirSync(join(dir, '.x.work'));
    writeFileSync(join(dir, '.x.work', 'notes.txt'), 'mine');
    const r = mamlab(['sweep', scenarioPath('seed001-profit-distribution.json'), '--out', join(dir, 'x'), '--workers', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has a folder \.x\.work beside it that mamlab did not create/);
    expect(readdirSync(dir).sort()).toEqual(['.x.work']);
    expect(readdirSync(join(dir, '.x.work'))).toEqual(['notes.txt']);
  });

  it("with --keep-runs writes each job's full run, whose summary.json has the job's rows", async () => {
    const out = join(tmp(), 'kept');
    await sweepToDirectory(scenarioPath('seed001-profit-distribution.json'), out, { grid: [parseGridOption('program.performanceFee=0.2,0.5')], keepRuns: true, workers: 1 });
    expect(readdirSync(out).filter((f) => f.startsWith('job-')).sort()).toEqual(['job-1-s1', 'job-2-s1']);
    const rows = csvRecords(read(out, 'results.csv'));
    for (const [job, cell] of [['job-1-s1', '1'], ['job-2-s1', '2']] as const) {
      const s = JSON.parse(read(join(out, job), 'summary.json')) as { manager: { total: string }; investors: Array<{ id: string; equity: string }> };
      expect(rows.find((x) => x.cell === cell && x.subject === 'manager')!.equity).toBe(s.manager.total);
      // Seed 001's manager is also a pool member named "manager": the subject column tells the rows apart.
      for (const i of s.investors) expect(rows.find((x) => x.cell === cell && x.subject === 'investor' && x.id === i.id)!.equity).toBe(i.equity);
    }
    // 50%: the manager keeps 9,000 + 0.5 × 24,000.
    expect(JSON.parse(read(join(out, 'job-2-s1'), 'summary.json')).manager.total).toBe('21000.0000000');
  });

  it('resumes a Monte Carlo run killed after 3 of 6 seeds, with the same bytes as an uninterrupted one', () => {
    const dir = tmp();
    const file = scenarioPath('stress-weekend-gap.json');
    const whole = mamlab(['run', file, '--seeds', '6', '--workers', '1', '--out', join(dir, 'whole'), '--quiet']);
    expect(whole.status).toBe(0);
    const killed = spawnSync(process.execPath, ['--import', 'tsx', 'bin/mamlab.ts', 'run', file, '--seeds', '6', '--workers', '1', '--out', join(dir, 'again'), '--quiet'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MAMLAB_FAULT: 'after-job-3' } });
    expect(killed.signal).toBe('SIGKILL');
    const again = mamlab(['run', file, '--seeds', '6', '--workers', '2', '--out', join(dir, 'again')]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('6 seeds (600–605; 3 found finished in the work area)');
    for (const f of ['seeds.csv', 'montecarlo.json', 'report.html', 'worst-seed/summary.json']) expect(read(join(dir, 'again'), f), f).toBe(read(join(dir, 'whole'), f));
    expect(existsSync(join(dir, '.again.work'))).toBe(false);
  });
});

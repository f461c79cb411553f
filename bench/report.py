#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, on the host: turn the guest's BENCH lines into
bench/results/LATEST.md (ratios to native, absolute figures and the whole
system's CPU per operation, median and min-max over the runs) and
LATEST.png (each target's speed relative to native, by gnuplot), and
keep the measurements themselves in LATEST.log. If RESULTS_DIR held an
earlier LATEST.log, LATEST.md also says how far each target's ratios moved
from it: whether a second run agrees with the first.

Usage: report.py BENCH_LOG RESULTS_DIR
"""
import datetime
import os
import re
import statistics
import subprocess
import sys

TARGETS = {
    'native': 'ext4 (native)',
    'fuse': 'FUSE, passthrough_hp --nopassthrough',
    'fuse-bpf-user': 'fuse-bpf module, every op to the daemon',
    'passthrough': 'FUSE, passthrough_hp (upstream passthrough)',
    'fuse-bpf-fopen': 'fuse-bpf module, FOPEN_PASSTHROUGH at open',
    'fuse-bpf': 'fuse-bpf, backed at lookup, no filter',
    'fuse-bpf-filter': 'fuse-bpf, backed at lookup, a prefilter on every op',
}
MODES = {
    'icount': 'Mode icount: QEMU `-icount shift=0,sleep=off`, so that guest '
              'time counts executed instructions, one per nanosecond, and a '
              'rate is operations per 10^9 guest instructions: each ratio to '
              'native is a cost ratio, whatever the load of the host (the guest\'s '
              'own timing still varies a little from run to run: see the '
              'min-max). One vCPU and no KASLR: the whole system\'s CPU time '
              'is its instructions, daemons included, so CPU per operation '
              'equals the inverse of the rate except where the system idles. '
              'It does not measure what costs no instruction under TCG: '
              'caches, memory bandwidth, device latency; and jobs of 4 '
              'threads show cost, not scaling.',
    'wall': 'Mode wall: guest time is host time under TCG, which varies up '
            'to 2x from run to run with the host\'s load.',
}
# what the CPU figure of a job is, by the job's unit
CPU_UNITS = {'IOPS': 'µs/op', 'ops/s': 'µs/op', 'MiB/s': 'µs/MiB',
             's': 's', 'ns/entry': 'ns/entry'}
# units where lower is better
TIMES = ('s', 'ns/entry')
SETS = {
    'A': '4 KiB sync buffered',
    'C': 'O_DIRECT io_uring/libaio, buffered io_uring',
    'D': 'metadata',
    'E': 'untar and stat a tree (lower is better)',
    'F': 'scaling: readdir, cold lookup and cached stat per entry of one '
         'directory (lower is better)',
}


# the lines of a guest's log that parse() reads, kept in LATEST.log
KEPT = ('FUSEBPF-BEGIN', '# mode:', '# backing:', '# CPU:', 'BENCH ')


def parse(path):
    """BENCH lines -> {(set, job): {target: {run: value or None}}}, the
    same of the CPU figures, units, and the header lines the guest
    printed."""
    res, cpu, units, head, kernel, mode = {}, {}, {}, [], '', 'wall'
    with open(path, errors='replace') as f:
        for line in f:
            line = line.strip()
            if line.startswith('FUSEBPF-BEGIN'):
                kernel = line.split()[-1]
            elif line.startswith('# mode:'):
                mode = line.split()[-1]
            elif line.startswith('# backing:') or line.startswith('# CPU:'):
                head.append(line[2:])
            elif line.startswith('BENCH '):
                f_ = line.split()
                if len(f_) != 8:
                    continue
                _, run, target, set_, job, unit, value, c = f_
                res.setdefault((set_, job), {}).setdefault(target, {})[run] = number(value)
                cpu.setdefault((set_, job), {}).setdefault(target, {})[run] = number(c)
                units[(set_, job)] = unit
    return res, cpu, units, head, kernel, mode


def number(s):
    """a figure, or None for a failure"""
    try:
        return float(s)
    except ValueError:
        return None


def summary(values):
    """median, min, max of a list, or None if any run failed"""
    if not values or any(v is None for v in values):
        return None
    return statistics.median(values), min(values), max(values)


def fmt(x):
    return f'{x:.0f}' if x >= 100 else f'{x:.2f}' if x < 10 else f'{x:.1f}'


def per_run_ratios(res, others):
    """{(key, target): summary of the per-run ratios to native}"""
    ratios = {}
    for key, by_t in res.items():
        native = by_t.get('native', {})
        for t in others:
            r = []
            for run, v in by_t.get(t, {}).items():
                n = native.get(run)
                r.append(None if v is None or not n else v / n)
            ratios[(key, t)] = summary(r)
    return ratios


# the chart's rows: which sets each shows
ROWS = ('AC', 'DEF')


def chart_rows(res):
    """the rows of the chart that have jobs in @res"""
    return [row for row in ROWS if any(key[0] in row for key in res)]


def chart(res, units, ratios, others, nruns, outdir):
    """Write one data file per row of the chart that has jobs; return the
    gnuplot script that draws them into LATEST.png: each target's speed
    relative to native, the inverse of the time ratio for sets E and F."""
    rows = chart_rows(res)
    panels = ''
    for n, row in enumerate(rows):
        dat = os.path.join(outdir, f'LATEST-{row}.dat')
        with open(dat, 'w') as f:
            f.write('job ' + ' '.join(others) + '\n')
            for key in res:
                if key[0] not in row:
                    continue
                cells = []
                for t in others:
                    s = ratios[(key, t)]
                    if s is None or not s[0]:
                        cells.append('?')
                    elif units[key] in TIMES:
                        cells.append(f'{1 / s[0]:.3f}')
                    else:
                        cells.append(f'{s[0]:.3f}')
                f.write(f'{key[0]}:{key[1]} ' + ' '.join(cells) + '\n')
        panels += f'''set title "sets {', '.join(row)}"
{'unset key' if n else 'set key outside top center horizontal autotitle columnhead'}
plot for [i=2:{len(others) + 1}] "{dat}" using i:xtic(1)
'''
    return f'''set terminal pngcairo size 1800,{250 + 525 * len(rows)} font ",10"
set output "{os.path.join(outdir, 'LATEST.png')}"
set datafile missing "?"
set multiplot layout {len(rows)},1 title "fuse-bpf make bench: speed relative to native ext4, median of {nruns} runs (times inverted: higher is better)"
set style data histogram
set style histogram clustered gap 1
set style fill solid border -1
set xtics rotate by -40 left font ",9" nomirror
set bmargin 8
set logscale y
set yrange [0.02:3]
set ytics (0.02, 0.05, 0.1, 0.2, 0.5, 1, 2)
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 front
set grid ytics
{panels}unset multiplot
'''


def ratio_table(res, ratios, others):
    """markdown rows: per job, each target's summary of ratios"""
    rows = ['| set | job | ' + ' | '.join(others) + ' |',
            '|---|---|' + '---|' * len(others)]
    for key in res:
        cells = [cell(ratios[(key, t)]) for t in others]
        rows.append(f'| {key[0]} | {key[1]} | ' + ' | '.join(cells) + ' |')
    return rows


def absolute_table(figures, targets, units):
    """markdown rows: per job, its unit and each target's median, min-max"""
    rows = ['| set | job | unit | ' + ' | '.join(targets) + ' |',
            '|---|---|---|' + '---|' * len(targets)]
    for key, by_t in figures.items():
        cells = []
        for t in targets:
            s = summary(list(by_t.get(t, {}).values()))
            cells.append('failed' if s is None else
                         f'{fmt(s[0])} ({fmt(s[1])}-{fmt(s[2])})')
        rows.append(f'| {key[0]} | {key[1]} | {units[key]} | ' +
                    ' | '.join(cells) + ' |')
    return rows


def keep(log, path, date):
    """write the lines of @log that parse() reads to @path, dated"""
    with open(log, errors='replace') as f:
        kept = [line.strip() for line in f if line.strip().startswith(KEPT)]
    with open(path, 'w') as f:
        f.write('\n'.join([f'# date: {date}'] + kept) + '\n')


def log_date(path):
    """the date line keep() wrote to @path"""
    with open(path) as f:
        first = f.readline()
    return first[len('# date: '):].strip() if first.startswith('# date:') else 'undated'


def agreement(ratios, old_path, others):
    """markdown lines: per target, the largest relative difference between
    its median ratios here and those of the earlier results at @old_path,
    over the jobs both measured"""
    old_res, _, _, _, old_kernel, old_mode = parse(old_path)
    old = per_run_ratios(old_res, others)
    rows = ['| target | largest difference | job | jobs compared | over 2% |',
            '|---|---|---|---|---|']
    for t in others:
        diffs = sorted((abs(s[0] / old[key, u][0] - 1), key)
                       for (key, u), s in ratios.items()
                       if u == t and s and old.get((key, u)) and old[key, u][0])
        if not diffs:
            continue
        worst, key = diffs[-1]
        over = sum(d > 0.02 for d, _ in diffs)
        rows.append(f'| {t} | {worst * 100:.1f}% | {key[0]} {key[1]} | '
                    f'{len(diffs)} | {over} |')
    return ['## Against the earlier results', '',
            f'The results this run replaced ({log_date(old_path)}; guest kernel '
            f'{old_kernel}, mode {old_mode}): for each target, the largest '
            'difference between a median ratio to native here and there, '
            'relative to the earlier one, and how many jobs differ by more '
            'than 2%.', ''] + rows


def cell(s):
    return 'failed' if s is None else f'**{s[0]:.2f}** ({s[1]:.2f}-{s[2]:.2f})'


def main():
    log, outdir = sys.argv[1], sys.argv[2]
    res, cpu, units, head, kernel, mode = parse(log)
    if not res:
        print('bench: the guest reported no measurement')
        return 1
    targets = [t for t in TARGETS if any(t in r for r in res.values())]
    others = [t for t in targets if t != 'native']
    ratios = per_run_ratios(res, others)
    cpu_ratios = per_run_ratios(cpu, others)
    failed = sum(s is None for s in ratios.values())

    date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    nruns = max(len(v) for by_t in res.values() for v in by_t.values())
    md = ['# make bench: latest results', '',
          f'{date}; guest kernel {kernel}; QEMU TCG (no KVM), mode {mode}.',
          *[f'{h}.' for h in head], '', MODES[mode], '',
          f'{nruns} runs, the targets interleaved within each run. Each cell: '
          'the median of the per-run ratios to native (same run), then '
          'the min-max of those ratios. Rates: higher is better; sets E '
          'and F are times: lower is better.', '',
          'Targets:', '']
    md += [f'- `{t}`: {TARGETS[t]}' for t in targets]
    md += ['', '## Ratios to native', '']
    md += ratio_table(res, ratios, others)
    md += ['', '## Whole-system CPU per operation, ratio to native', '',
           'Guest CPU time of every task (the daemon, kernel threads and '
           'interrupts included) per operation, MiB or entry, over native\'s '
           'in the same run: lower is better.', '']
    md += ratio_table(res, cpu_ratios, others)
    md += ['', '## Absolute figures (median, min-max)', '']
    md += absolute_table(res, targets, units)
    md += ['', '## Whole-system CPU per operation (median, min-max)', '']
    md += absolute_table(cpu, targets,
                         {k: CPU_UNITS[u] for k, u in units.items()})
    kept = os.path.join(outdir, 'LATEST.log')
    if os.path.exists(kept):
        md += [''] + agreement(ratios, kept, others)
    md += ['', 'Sets: ' + '; '.join(f'{k}: {v}' for k, v in SETS.items()) + '.',
           '', '![ratios to native](LATEST.png)', '']

    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, 'LATEST.md'), 'w') as f:
        f.write('\n'.join(md))
    keep(log, kept, date)
    plot = chart(res, units, ratios, others, nruns, outdir)
    subprocess.run(['gnuplot'], input=plot, text=True, check=True)
    for row in chart_rows(res):
        os.remove(os.path.join(outdir, f'LATEST-{row}.dat'))
    print('\n'.join(md))
    print(f'bench: {len(res) * len(others)} figures, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

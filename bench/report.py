#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, on the host: turn the guest's BENCH lines into
bench/results/LATEST.md (ratios to native and absolute figures, median and
min-max over the runs) and LATEST.png (the ratios, by gnuplot).

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
              'min-max). It does not measure what costs no instruction '
              'under TCG: caches, memory bandwidth, device latency; and the '
              'vCPUs run in turn, so parallel jobs show cost, not scaling.',
    'wall': 'Mode wall: guest time is host time under TCG, which varies up '
            'to 2x from run to run with the host\'s load.',
}
SETS = {
    'A': '4 KiB sync buffered',
    'C': 'O_DIRECT io_uring/libaio, buffered io_uring',
    'D': 'metadata',
    'E': 'untar and stat a tree (lower is better)',
}


def parse(path):
    """BENCH lines -> {(set, job): {target: {run: value or None}}}, units,
    and the header lines the guest printed."""
    res, units, head, kernel, mode = {}, {}, [], '', 'wall'
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
                if len(f_) != 7:
                    continue
                _, run, target, set_, job, unit, value = f_
                try:
                    v = float(value)
                except ValueError:
                    v = None
                res.setdefault((set_, job), {}).setdefault(target, {})[run] = v
                units[(set_, job)] = unit
    return res, units, head, kernel, mode


def summary(values):
    """median, min, max of a list, or None if any run failed"""
    if not values or any(v is None for v in values):
        return None
    return statistics.median(values), min(values), max(values)


def fmt(x):
    return f'{x:.0f}' if x >= 100 else f'{x:.2f}' if x < 10 else f'{x:.1f}'


def main():
    log, outdir = sys.argv[1], sys.argv[2]
    res, units, head, kernel, mode = parse(log)
    if not res:
        print('bench: the guest reported no measurement')
        return 1
    targets = [t for t in TARGETS if any(t in r for r in res.values())]
    others = [t for t in targets if t != 'native']
    ratios = {}
    failed = 0
    for key, by_t in res.items():
        native = by_t.get('native', {})
        for t in others:
            runs = by_t.get(t, {})
            r = []
            for run, v in runs.items():
                n = native.get(run)
                r.append(None if v is None or not n else v / n)
            ratios[(key, t)] = summary(r)
            failed += ratios[(key, t)] is None

    date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    nruns = max(len(v) for by_t in res.values() for v in by_t.values())
    md = ['# make bench: latest results', '',
          f'{date}; guest kernel {kernel}; QEMU TCG (no KVM), 2 vCPUs, 6 GiB.',
          *[f'{h}.' for h in head], '', MODES[mode], '',
          f'{nruns} runs, the targets interleaved within each run. Each cell: '
          'the median of the per-run ratios to native (same run), then '
          'the min-max of those ratios. Rates: higher is better; set E is '
          'time: lower is better.', '',
          'Targets:', '']
    md += [f'- `{t}`: {TARGETS[t]}' for t in targets]
    md += ['', '## Ratios to native', '']
    md.append('| set | job | ' + ' | '.join(others) + ' |')
    md.append('|---|---|' + '---|' * len(others))
    for key in res:
        cells = []
        for t in others:
            s = ratios[(key, t)]
            cells.append('failed' if s is None else
                         f'**{s[0]:.2f}** ({s[1]:.2f}-{s[2]:.2f})')
        md.append(f'| {key[0]} | {key[1]} | ' + ' | '.join(cells) + ' |')
    md += ['', '## Absolute figures (median, min-max)', '']
    md.append('| set | job | unit | ' + ' | '.join(targets) + ' |')
    md.append('|---|---|---|' + '---|' * len(targets))
    for key, by_t in res.items():
        cells = []
        for t in targets:
            s = summary(list(by_t.get(t, {}).values()))
            cells.append('failed' if s is None else
                         f'{fmt(s[0])} ({fmt(s[1])}-{fmt(s[2])})')
        md.append(f'| {key[0]} | {key[1]} | {units[key]} | ' +
                  ' | '.join(cells) + ' |')
    md += ['', 'Sets: ' + '; '.join(f'{k}: {v}' for k, v in SETS.items()) + '.',
           '', '![ratios to native](LATEST.png)', '']

    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, 'LATEST.md'), 'w') as f:
        f.write('\n'.join(md))
    dat = os.path.join(outdir, 'LATEST.dat')
    with open(dat, 'w') as f:
        f.write('job ' + ' '.join(others) + '\n')
        for key in res:
            row = [ratios[(key, t)] for t in others]
            f.write(f'{key[0]}:{key[1]} ' +
                    ' '.join('0' if s is None else f'{s[0]:.3f}' for s in row) + '\n')
    plot = f'''set terminal png size 1600,700
set output "{os.path.join(outdir, 'LATEST.png')}"
set title "fuse-bpf make bench: ratio to native ext4 (median of {nruns} runs; set E: time, lower is better)"
set style data histogram
set style histogram clustered gap 1
set style fill solid border -1
set key top left autotitle columnhead
set xtics rotate by -60 font ",8"
set logscale y
set yrange [0.05:*]
set ytics (0.1, 0.25, 0.5, 0.8, 0.95, 1, 1.15, 2, 5, 10, 20)
set grid ytics
plot for [i=2:{len(others) + 1}] "{dat}" using i:xtic(1)
'''
    subprocess.run(['gnuplot'], input=plot, text=True, check=True)
    os.remove(dat)
    print('\n'.join(md))
    print(f'bench: {len(res) * len(others)} figures, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

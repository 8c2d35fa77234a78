#!/usr/bin/env python3
# usage: gc_window.py NAME : GC pauses and CPU in the pipeline window of ./NAME.{gclog,out,json} (the bench's JSON, its printed output and a GC log with -Xlog:gc,gc+cpu=info:file=NAME.gclog:time,uptime)
import json, re, sys, datetime
name = sys.argv[1]
d = json.load(open(f'./{name}.json'))['pipeline']
end = None
for line in open(f'./{name}.out'):
    if 'every event and session in ClickHouse' in line:
        h, m, s = map(int, line[:8].split(':'))
        end = h * 3600 + m * 60 + s + 0.5
start = end - d['pipelineSeconds']
pauses = []; cpu = 0.0; heap_after = None; n = 0
cur = {}
for line in open(f'./{name}.gclog'):
    m = re.match(r'\[\d{4}-\d\d-\d\dT(\d\d):(\d\d):(\d\d\.\d+)[^\]]*\]\[[\d.]+s\] GC\((\d+)\) (.*)', line)
    if not m:
        continue
    t = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    if t < start or t > end:
        continue
    rest = m.group(5)
    p = re.match(r'Pause (\S+).*?(\d+)M->(\d+)M\((\d+)M\) ([\d.]+)ms', rest)
    if p:
        pauses.append(float(p.group(5)))
        if p.group(1) == 'Young':
            heap_after = int(p.group(3)); n += 1
    c = re.match(r'User=([\d.]+)s Sys=([\d.]+)s Real', rest)
    if c:
        cpu += float(c.group(1)) + float(c.group(2))
print(f'{name}: window {d["pipelineSeconds"]:.1f} s, {len(pauses)} pauses ({n} young), pause total {sum(pauses)/1000:.2f} s '
      f'({100*sum(pauses)/1000/d["pipelineSeconds"]:.1f} % of the window), GC CPU {cpu:.2f} s, heap after last young GC {heap_after} MB')

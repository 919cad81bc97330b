#!/usr/bin/env python3
"""Runs a command; samples the CPU (utime+stime) of every `postgres` process every 0.25 s,
and attributes to the command the backends whose client port is a socket of the command's
process (from `ps` titles `postgres: user db 127.0.0.1(PORT) ...` and `ss -tnp`).
Prints total PostgreSQL CPU and the command's backends' CPU, in seconds."""
import os, re, subprocess, sys, time
TICK = os.sysconf('SC_CLK_TCK')
def pg_procs():
    out = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        try:
            with open(f'/proc/{pid}/stat') as f: st = f.read()
            with open(f'/proc/{pid}/cmdline', 'rb') as f: cmd = f.read().replace(b'\0', b' ').decode(errors='replace')
        except OSError: continue
        comm = st[st.index('(')+1:st.rindex(')')]
        if comm != 'postgres' and not cmd.startswith('postgres'): continue
        fields = st[st.rindex(')')+2:].split()
        out[int(pid)] = ((int(fields[11]) + int(fields[12])) / TICK, cmd)
    return out
def ports_of(pid):
    try: out = subprocess.run(['ss', '-tnpH'], capture_output=True, text=True).stdout
    except OSError: return set()
    ports = set()
    for line in out.splitlines():
        if f'pid={pid},' in line:
            m = re.search(r'127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:5432', line)
            if m: ports.add(m.group(1))
    return ports
start = pg_procs()
proc = subprocess.Popen(sys.argv[1:])
last = dict(start); mine = set()
while proc.poll() is None:
    now = pg_procs(); last.update(now)
    ports = ports_of(proc.pid)
    for pid, (_, cmd) in now.items():
        m = re.search(r'\((\d+)\)', cmd)
        if m and m.group(1) in ports: mine.add(pid)
    time.sleep(0.25)
end = pg_procs(); last.update(end)
total = sum(cpu - start.get(pid, (0, ''))[0] for pid, (cpu, _) in last.items())
own = sum(last[pid][0] - start.get(pid, (0, ''))[0] for pid in mine)
print(f'PGCPU total={total:.2f}s bench_backends={own:.2f}s backends={len(mine)} rc={proc.returncode}', file=sys.stderr)

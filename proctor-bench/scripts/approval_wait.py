#!/usr/bin/env python3
"""Time from the last approval vote to the waiting hook's answer, on a running `proctor serve`.

Each round posts a Claude Code PreToolUse hook call for a tool that a rule holds for approval in
Proctor (answered_at: proctor, quorum 1) on one thread, finds the held action in GET /v1/approvals,
votes approve as an approver and measures, with a monotonic clock, from sending the vote to the
hook call's answer (which must be allow). Prints p50/p90/p99/max and the vote's own round trip.

Usage, in a directory holding `key` (an agent's API key, from `proctor agents add`), with a user
dana (approver, password "correct horse battery staple") and the server on 127.0.0.1:18765 with the
policy of docs/PERFORMANCE.md ("Approvals: vote to hook answer"):
    python3 approval_wait.py RUN_NAME ROUNDS
"""
import json, threading, time, urllib.request, urllib.parse, sys
U="http://127.0.0.1:18765"; KEY=open("key").read().strip()
def req(path, body=None, headers={}):
    r=urllib.request.Request(U+path, data=None if body is None else json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(r, timeout=30) as resp:
        return resp.headers, json.loads(resp.read() or b"null")
h,b=req("/v1/auth/login",{"user":"dana","password":"correct horse battery staple"},{"Content-Type":"application/json"})
cookie=h["Set-Cookie"].split(";")[0]; csrf=b["csrfToken"]
lat=[]; run=sys.argv[1]
for i in range(int(sys.argv[2])):
    tu=f"toolu_{run}{i}"; out={}
    def hook():
        _,a=req("/v1/hooks/claude-code",{"hook_event_name":"PreToolUse","session_id":run,"cwd":"/tmp","tool_name":"mcp__ops__deploy","tool_input":{"n":i},"tool_use_id":tu},{"Authorization":"Bearer "+KEY,"Content-Type":"application/json"})
        out["t"]=time.monotonic(); out["a"]=a
    th=threading.Thread(target=hook); th.start()
    aid=None
    while not aid:
        _,l=req("/v1/approvals",headers={"Cookie":cookie})
        aid=next((a["actionId"] for a in l["approvals"] if f"/{tu}/" in a["actionId"]),None)
        if not aid: time.sleep(0.01)
    p="/".join(urllib.parse.quote(s,safe="") for s in aid.split("/"))
    t0=time.monotonic()
    req(f"/v1/approvals/{p}/approve",{}, {"Cookie":cookie,"X-CSRF-Token":csrf,"Content-Type":"application/json"})
    tv=time.monotonic()
    th.join()
    assert out["a"]["hookSpecificOutput"]["permissionDecision"]=="allow", out
    lat.append(((out["t"]-t0)*1000, (tv-t0)*1000))
a=sorted(x[0] for x in lat); v=sorted(x[1] for x in lat); n=len(a)
print(f"n={n} last vote sent -> hook answer: p50={a[n//2]:.1f}ms p90={a[int(n*.9)]:.1f}ms p99={a[min(n-1,int(n*.99))]:.1f}ms max={a[-1]:.1f}ms; the vote's own round trip p50={v[n//2]:.1f}ms")

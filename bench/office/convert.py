"""bench/office.sh's conversion client: one process that signs (WPS-2) and polls for itself.

The shell version forked curl, python3, md5sum and sha1sum for every poll; on a 2-core box that poller took more
CPU than the conversions it waited for, so "file info during conversions" measured the poller as much as yundoc.

  convert.py all  YD APP_ID APP_KEY DOCS_URL N          submit N files at once, wait for all; prints seconds
  convert.py keep YD APP_ID APP_KEY DOCS_URL N STOPFILE keep 6 tasks in flight (files cycle over N) until STOPFILE
                                                          exists; prints tasks finished and whether the queue ever
                                                          ran dry (then the window was not all "during conversions")
"""
import email.utils
import hashlib
import json
import os
import sys
import time
import urllib.request

mode, yd, app_id, app_key, docs, n = sys.argv[1:7]
n = int(n)


def signed(method, path, body=None):
    data = body.encode() if body is not None else None
    md5 = hashlib.md5(data if data is not None else path.encode()).hexdigest()
    date = email.utils.formatdate(usegmt=True)
    ct = "application/json"
    sig = hashlib.sha1((app_key + md5 + ct + date).encode()).hexdigest()
    req = urllib.request.Request(yd + path, data=data, method=method, headers={
        "Date": date, "Content-Md5": md5, "Content-Type": ct, "Authorization": "WPS-2:%s:%s" % (app_id, sig)})
    with urllib.request.urlopen(req, timeout=60) as r:
        answer = json.load(r)
    if answer.get("code") != 0:
        sys.exit("convert.py: %s %s: %s" % (method, path, answer))
    return answer["data"]


def submit(i):
    name = "doc%02d.docx" % (i % n)
    return signed("POST", "/api/v1/openapi/office/convert/files/to/pdf",
                  json.dumps({"url": "%s/%s" % (docs, name), "filename": name}))["task_id"]


def status(task):
    s = signed("GET", "/api/v1/openapi/office/convert/tasks/" + task)["status"]
    if s not in ("processing", "success"):
        sys.exit("convert.py: task %s: %s" % (task, s))
    return s


if mode == "all":
    t0 = time.time()
    pending = [submit(i) for i in range(n)]
    while pending:
        pending = [t for t in pending if status(t) == "processing"]
        if pending:
            time.sleep(0.2)
    print(round(time.time() - t0, 1))
elif mode == "keep":
    stop = sys.argv[7]
    flight, finished, dry, i = [], 0, 0, 0
    while not os.path.exists(stop):
        while len(flight) < 6:
            flight.append(submit(i))
            i += 1
        time.sleep(0.2)
        still = [t for t in flight if status(t) == "processing"]
        finished += len(flight) - len(still)
        if not still:
            dry += 1  # every task ended within one poll period: the engine may have idled for a moment
        flight = still
    print("%d %d" % (finished, dry))
else:
    sys.exit("convert.py: mode all or keep")

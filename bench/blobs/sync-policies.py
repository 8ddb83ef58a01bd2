#!/usr/bin/env python3
# How to make uploaded blobs durable, on the disk at hand (issue 9, docs/performance.md "Blobs"):
# 200 files of 300 KB with 6 uploads in flight, like bench/run-blobs. Each upload writes its file,
# pauses (standing for the network and the hash), has it made durable by one of three ways, then
# waits for a group commit (one fdatasync of a WAL file for everything that became durable
# meanwhile). Prints the time per way, median of RUNS, the ways alternated.
#   chain:    per blob on a worker: fdatasync(file), then fsync(folder), then the made folder
#   parallel: per blob, those syncs at the same time
#   batch:    one batch on the disk at a time; blobs made durable meanwhile go in the next,
#             every file and distinct folder synced at the same time (a design hall-server
#             tried and dropped: the wait for the batch in flight cost latency; it now syncs the
#             blobs of one turn together without waiting, which is `parallel` per turn)
#
#   bench/blobs/sync-policies.py DIR [pause-ms=4] [runs=5]
import concurrent.futures as cf
import os
import statistics
import sys
import threading
import time

base = os.path.join(sys.argv[1], 'sync-policies-%d' % os.getpid())
pause = float(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 0.004
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
data = os.urandom(300 * 1024)
count, in_flight = 200, 6
pool = cf.ThreadPoolExecutor(8)


def sync(path, data_only):
    fd = os.open(path, os.O_RDONLY)
    (os.fdatasync if data_only else os.fsync)(fd)
    os.close(fd)


def sync_all(jobs):
    list(pool.map(lambda j: sync(*j), jobs))


class GroupCommit:
    def __init__(self, path):
        self.fd = os.open(path, os.O_CREAT | os.O_WRONLY)
        self.cv = threading.Condition()
        self.waiting = []
        threading.Thread(target=self.run, daemon=True).start()

    def wait(self):
        done = threading.Event()
        with self.cv:
            self.waiting.append(done)
            self.cv.notify()
        done.wait()

    def run(self):
        while True:
            with self.cv:
                while not self.waiting:
                    self.cv.wait()
                batch, self.waiting = self.waiting, []
            os.write(self.fd, b'x' * 4096)
            os.fdatasync(self.fd)
            for done in batch:
                done.set()


class Batches:
    def __init__(self):
        self.lock = threading.Lock()
        self.queue, self.made, self.busy = [], set(), False

    def durable(self, path, made):
        done = threading.Event()
        with self.lock:
            self.queue.append((path, done))
            self.made |= set(made)
            start, self.busy = not self.busy, True
        if start:
            threading.Thread(target=self.run).start()
        done.wait()

    def run(self):
        while True:
            with self.lock:
                if not self.queue:
                    self.busy = False
                    return
                batch, self.queue = self.queue, []
                made, self.made = self.made, set()
            folders = {os.path.dirname(p) for p, _ in batch} | made
            sync_all([(p, True) for p, _ in batch] + [(f, False) for f in folders])
            for _, done in batch:
                done.set()


def run(way, root):
    os.makedirs(root)
    batches, commit = Batches(), GroupCommit(os.path.join(root, 'wal'))
    todo, lock = iter(range(count)), threading.Lock()

    def upload():
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            folder = os.path.join(root, '%02x' % (i * 37 % 256))
            made = [] if os.path.exists(folder) else [root]
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, 'b%d' % i)
            fd = os.open(path, os.O_CREAT | os.O_WRONLY)
            os.write(fd, data)
            os.close(fd)
            time.sleep(pause)
            jobs = [(path, True), (folder, False)] + [(m, False) for m in made]
            if way == 'chain':
                for j in jobs:
                    sync(*j)
            elif way == 'parallel':
                sync_all(jobs)
            else:
                batches.durable(path, made)
            commit.wait()

    start = time.time()
    threads = [threading.Thread(target=upload) for _ in range(in_flight)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.time() - start


times = {way: [] for way in ('chain', 'parallel', 'batch')}
for r in range(runs):
    for way in times:
        times[way].append(run(way, os.path.join(base, '%s-%d' % (way, r))))
for way, t in times.items():
    print('%-9s median %.3f s (%s)' % (way, statistics.median(t), ' '.join('%.2f' % x for x in t)))
print('load average (1 min) %s; the files are left in %s' % (open('/proc/loadavg').read().split()[0], base))
